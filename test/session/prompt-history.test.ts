import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPromptHistoryStore, MAX_HISTORY_ENTRIES, promptHistoryPath } from '../../src/session/prompt-history';
import { createTempWorkspace } from '../helpers/temp-workspace';

describe('prompt history', () => {
  it('keeps prompts in order, skips a damaged line, and stays within the cap', async () => {
    const stateDir = await createTempWorkspace();
    const workspace = '/work/some-repo';
    const file = promptHistoryPath({ stateDir, workspace });
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '"first"\n{"cut in ha\n"second"\n');
    const store = createPromptHistoryStore({ stateDir, workspace });
    expect(await store.load()).toEqual(['first', 'second']);
    for (let index = 0; index < 2 * MAX_HISTORY_ENTRIES + 5; index++) await store.append(`prompt ${index}`);
    const loaded = await store.load();
    expect(loaded).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(loaded.at(-1)).toBe(`prompt ${2 * MAX_HISTORY_ENTRIES + 4}`);
    // Rewritten when it doubled the cap, so the file itself stays bounded.
    expect((await readFile(file, 'utf8')).split('\n').length).toBeLessThan(2 * MAX_HISTORY_ENTRIES + 2);
  });
});
