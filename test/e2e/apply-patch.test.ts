import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux } from '../helpers/tmux';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

const PATCH = [
  '*** Begin Patch',
  '*** Add File: src/greet.ts',
  "+export const greet = (name: string) => `hello ${name}`;",
  '*** Update File: src/app.ts',
  '@@',
  "-import { old } from './old';",
  "+import { greet } from './greet';",
  ' ',
  '-console.log(old());',
  "+console.log(greet('world'));",
  '*** Delete File: src/old.ts',
  '*** End Patch',
].join('\n');

describe('apply_patch in a real terminal', () => {
  it('shows one approval box for a three-file patch, writes all three on y, and /undo puts them back', async () => {
    const files = { 'src/app.ts': "import { old } from './old';\n\nconsole.log(old());\n", 'src/old.ts': "export const old = () => 'old';\n" };
    const cwd = await createTempWorkspace(files);
    const server = await startOpenAIServer([
      { text: 'Patching three files.', toolCalls: [{ id: 'p1', name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }) }] },
      { text: 'Patched.' },
    ]);
    const home = await createTempWorkspace();
    // gpt-5.4 is offered apply_patch by its id; the loopback server stands in for OpenAI.
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'gpt-5.4', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
      rows: 50,
    });

    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.submit('use greet instead of old');
    const asking = await terminal.waitFor((screen) => screen.includes('Apply this patch to 3 files'));
    expect(server.requests[0]!.tools.map((tool: { function: { name: string } }) => tool.function.name)).toContain('apply_patch');
    expect(asking).toContain('Apply this patch to 3 files (create 1, update 1, delete 1)?');
    expect(asking).toContain('● create src/greet.ts  +1');
    expect(asking).toContain('● update src/app.ts  +2 -2');
    expect(asking).toContain("+console.log(greet('world'));");
    expect(asking).toContain('● delete src/old.ts  -1');
    expect(asking).toContain('a allow apply_patch this session');
    // Nothing is written while the box waits.
    expect(existsSync(path.join(cwd, 'src/greet.ts'))).toBe(false);
    await terminal.sendKeys('y');

    const done = await terminal.waitFor((screen) => screen.includes('Patched.'));
    expect(done).toMatch(/✓ apply_patch 3 files: src\/greet\.ts \(new\), src\/app\.ts, src\/old\.ts \(deleted\)/);
    expect(await readFile(path.join(cwd, 'src/app.ts'), 'utf8')).toBe("import { greet } from './greet';\n\nconsole.log(greet('world'));\n");
    expect(existsSync(path.join(cwd, 'src/old.ts'))).toBe(false);

    // /undo goes back to the checkpoint taken before the turn, naming every file first; all three are shoal's own writes.
    await terminal.submit('/undo');
    const undoing = await terminal.waitFor((screen) => screen.includes('Put 3 files back as they were before the last turn?'));
    for (const line of ['remove  src/greet.ts', 'restore src/app.ts', 'recreate src/old.ts']) expect(undoing).toContain(line);
    expect(undoing).not.toContain('not by shoal');
    await terminal.sendKeys('y');
    const undone = await terminal.waitFor((screen) => screen.includes('Put the files back as they were before the last turn.'));
    expect(undone).toContain('restored src/app.ts, src/old.ts');
    expect(undone).toContain('removed src/greet.ts');
    expect(await readFile(path.join(cwd, 'src/app.ts'), 'utf8')).toBe(files['src/app.ts']);
    expect(await readFile(path.join(cwd, 'src/old.ts'), 'utf8')).toBe(files['src/old.ts']);
    expect(existsSync(path.join(cwd, 'src/greet.ts'))).toBe(false);
  }, 60_000);
});
