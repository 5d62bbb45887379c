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

describe('the TUI in a real terminal', () => {
  it('shows a parallel batch, lands an approved write and refuses a denied one', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' });
    const server = await startOpenAIServer([
      {
        text: 'Reading both files.',
        toolCalls: [
          { id: 'c1', name: 'read_file', arguments: '{"path":"src/a.ts"}' },
          { id: 'c2', name: 'read_file', arguments: '{"path":"src/b.ts"}' },
          { id: 'c3', name: 'glob', arguments: '{"pattern":"**/*.ts"}' },
        ],
      },
      { toolCalls: [{ id: 'c4', name: 'write_file', arguments: '{"path":"NOTES.md","content":"# Notes\\na and b\\n"}' }] },
      { toolCalls: [{ id: 'c5', name: 'write_file', arguments: '{"path":"DENIED.md","content":"nope\\n"}' }] },
      { text: 'All done.' },
    ]);
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });

    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.sendText('summarise the sources');
    await terminal.sendKeys('Enter');

    const asking = await terminal.waitFor((screen) => screen.includes('Create NOTES.md?'));
    expect(asking).toMatch(/Read-only batch · 3 calls in parallel/);
    expect(asking).toMatch(/✓ read_file src\/a\.ts/);
    expect(asking).toMatch(/✓ read_file src\/b\.ts/);
    expect(asking).toContain('+# Notes');
    await terminal.sendKeys('y');

    await terminal.waitFor((screen) => screen.includes('Create DENIED.md?'));
    expect(await readFile(path.join(cwd, 'NOTES.md'), 'utf8')).toBe('# Notes\na and b\n');
    await terminal.sendKeys('n');
    await terminal.waitFor((screen) => screen.includes('Tell the model why'));
    await terminal.sendKeys('Enter');

    const done = await terminal.waitFor((screen) => screen.includes('All done.'));
    expect(done).toMatch(/⊘ write_file DENIED\.md/);
    expect(existsSync(path.join(cwd, 'DENIED.md'))).toBe(false);
    const toolMessages = server.requests[3]!.messages.filter((message: { role: string }) => message.role === 'tool');
    expect(toolMessages.at(-1).content).toContain('The user denied this call');
  }, 60_000);

  it('asks about a loosening project file before the first prompt, and remembers the answer for that content', async () => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': '{"model":"demo","approvalMode":"yolo"}' });
    const home = await createTempWorkspace();
    const env = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') };
    const first = await startTmux([process.execPath, cli, '--cwd', cwd], { env });
    const asking = await first.waitFor((screen) => screen.includes('wants to:'));
    expect(asking).toContain('set approvalMode to "yolo" (commands and edits run without asking)');
    expect(asking).not.toContain('/help for commands');
    await first.sendKeys('y');
    const started = await first.waitFor((screen) => screen.includes('/help for commands'));
    expect(started).toMatch(/yolo/);
    // The main UI takes keys after the prompt's own Ink instance let go of the terminal.
    await first.sendText('/approval');
    await first.sendKeys('Enter');
    await first.waitFor((screen) => screen.includes('Approval mode: yolo'));
    expect(existsSync(path.join(home, 'state', 'trusted-folders.json'))).toBe(true);

    const second = await startTmux([process.execPath, cli, '--cwd', cwd], { env });
    const again = await second.waitFor((screen) => screen.includes('/help for commands'));
    expect(again).not.toContain('wants to:');
    expect(again).toMatch(/yolo/);
  }, 60_000);
});
