import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux } from '../helpers/tmux';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

describe('out of the box, with no key', () => {
  it('opens the TUI on the demo model and shows a batch, side-by-side research, an approval and a summary', async () => {
    const cwd = await createTempWorkspace({
      'README.md': '# Library\n\nBooks and loans.\n',
      'src/loans.ts': 'export function lendBook(id: string) {\n  return { id, due: 14 };\n}\n',
      'src/books.ts': 'export const books = new Map<string, string>();\n',
      'test/loans.test.ts': 'import { lendBook } from "../src/loans";\n',
    });
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
      rows: 60,
    });
    await terminal.waitFor((screen) => screen.includes('offline demo model: set OPENAI_API_KEY or --base-url'));
    await terminal.submit('how are loans made?');

    const researching = await terminal.waitFor((screen) => /running [23] research agents/.test(screen));
    expect(researching).toMatch(/Read-only batch · 3 calls in parallel/);
    expect(researching).toMatch(/⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/);

    const asking = await terminal.waitFor((screen) => screen.includes('Create shoal-notes.md?'), 30_000);
    expect(asking).toMatch(/Research · [23] sub-agents in parallel/);
    expect(asking).toMatch(/✓ research_codebase Where is "loan" used/);
    await terminal.sendKeys('y');

    const done = await terminal.waitFor((screen) => screen.includes('offline demo model, which plans from tool results'), 30_000);
    expect(done).toContain('What I found');
    expect(done).toMatch(/"loan" occurs in 2 files, most in README\.md \(1\), test\/loans\.test\.ts \(1\)/);
    expect(await readFile(path.join(cwd, 'shoal-notes.md'), 'utf8')).toContain('test/loans.test.ts');
  }, 90_000);
});
