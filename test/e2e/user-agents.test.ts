import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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

describe("a user's agent in a real terminal", () => {
  it('is listed by /agents, runs with the writes under its own panel, asks for its write naming itself, and /undo takes the write back', async () => {
    const cwd = await createTempWorkspace({ 'README.md': '# demo\n' });
    const home = await createTempWorkspace();
    await mkdir(path.join(home, 'config', 'agents'), { recursive: true });
    await writeFile(path.join(home, 'config', 'agents', 'scribe.md'), '---\nname: scribe\ndescription: Writes notes files\ntools: Read, Write\n---\nYou are SCRIBE-E2E.\n');
    const answered = (body: Record<string, any>) => body.messages.some((message: { role: string }) => message.role === 'tool');
    const server = await startOpenAIServer((body) => {
      if (JSON.stringify(body.messages[0]).includes('SCRIBE-E2E')) {
        return answered(body) ? { text: 'Wrote notes.md.' } : { toolCalls: [{ id: 'f1', name: 'write_file', arguments: JSON.stringify({ path: 'notes.md', content: '# notes\n' }) }] };
      }
      return answered(body) ? { text: 'The scribe wrote the notes.' } : { toolCalls: [{ id: 'w1', name: 'research_codebase', arguments: '{"question":"write the notes","agent":"scribe"}' }] };
    });
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'local', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
      rows: 50,
    });

    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.submit('/agents');
    const listed = await terminal.waitFor((screen) => screen.includes('Agents (1'));
    expect(listed).toContain('scribe · user · ');
    expect(listed).toContain('tools: read_file, write_file (writes and commands ask)');

    await terminal.submit('write the notes');
    const asking = await terminal.waitFor((screen) => screen.includes('Create notes.md?'), 30_000);
    expect(asking).toContain('Write and execute');
    expect(asking).toContain('research_codebase scribe: write the notes');
    expect(asking).toContain('Asked by your agent scribe.');
    expect(asking).toContain('+# notes');
    expect(existsSync(path.join(cwd, 'notes.md'))).toBe(false);
    await terminal.sendKeys('y');

    const done = await terminal.waitFor((screen) => screen.includes('The scribe wrote the notes.'));
    expect(done).toMatch(/✓ research_codebase scribe: write the notes {2}2 steps, 1 tool call/);
    expect(await readFile(path.join(cwd, 'notes.md'), 'utf8')).toBe('# notes\n');

    await terminal.submit('/undo');
    await terminal.waitFor((screen) => screen.includes('Put 1 file back'));
    await terminal.sendKeys('y');
    await terminal.waitFor((screen) => screen.includes('removed notes.md'));
    expect(existsSync(path.join(cwd, 'notes.md'))).toBe(false);
  }, 90_000);
});
