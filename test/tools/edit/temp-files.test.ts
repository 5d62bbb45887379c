import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/tools/edit/file-edit';
import { cleanStaleTempFiles, tempPathFor } from '../../../src/tools/edit/temp-files';
import { createTempWorkspace } from '../../helpers/temp-workspace';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('stale temp files', () => {
  it('removes only orphaned or old shoal temp files, never a user file', async () => {
    const dead = deadPid();
    const files = {
      [`.a.ts.shoal-${dead}-0123456789ab.tmp`]: 'orphan of a killed shoal',
      [`src/.b.ts.shoal-${dead}-0123456789ab.tmp`]: 'orphan in a subfolder',
      [`.c.ts.shoal-${process.pid}-0123456789ab.tmp`]: 'a live write of ours',
      '.d.ts.shoal-0123456789ab.tmp': 'old-style name, fresh',
      '.e.ts.shoal-0123456789ab.tmp': 'old-style name, two minutes old',
      '.notes.shoal-draft.tmp': "a user's file",
      [`f.ts.shoal-${dead}-0123456789ab.tmp`]: 'no leading dot: not ours',
    };
    const cwd = await createTempWorkspace(files);
    const old = new Date(Date.now() - 120_000);
    utimesSync(path.join(cwd, '.e.ts.shoal-0123456789ab.tmp'), old, old);
    const removed = await cleanStaleTempFiles({ root: cwd, signal: new AbortController().signal });
    expect(removed.sort()).toEqual([`.a.ts.shoal-${dead}-0123456789ab.tmp`, '.e.ts.shoal-0123456789ab.tmp', `src/.b.ts.shoal-${dead}-0123456789ab.tmp`]);
    for (const name of Object.keys(files)) expect(existsSync(path.join(cwd, name)), name).toBe(!removed.includes(name));
  });

  it('names temp files with the writing pid, and leaves none after a write', async () => {
    const cwd = await createTempWorkspace();
    expect(path.basename(tempPathFor(path.join(cwd, 'a.ts')))).toMatch(new RegExp(`^\\.a\\.ts\\.shoal-${process.pid}-[0-9a-f]{12}\\.tmp$`));
    await writeFileAtomic(path.join(cwd, 'a.ts'), Buffer.from('x'), undefined);
    expect(await readdir(cwd)).toEqual(['a.ts']);
  });
});
