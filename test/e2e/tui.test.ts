import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux } from '../helpers/tmux';

let cli: string;

/** A research sub-agent's request: its own instructions, not the main agent's. */
const isSubagent = (body: Record<string, any>) => JSON.stringify(body.messages[0]).includes('research sub-agent');

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

describe('the TUI in a real terminal', () => {
  it('picks an @ mention and attaches the file, runs a ! command into the transcript, and edits the prompt in $EDITOR', async () => {
    const cwd = await createTempWorkspace({ 'src/cli/main.ts': 'export const entry = "main";\n', 'src/other.ts': 'other\n', 'notes.txt': 'shell sees me\n' });
    const server = await startOpenAIServer([{ text: 'Read the attached file.' }, { text: 'Saw the command output.' }]);
    const home = await createTempWorkspace();
    // An editor that edits without a screen, so the handover of the terminal can be checked for real.
    const editor = path.join(home, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nprintf "what did the command print" > "$1"\n');
    await chmod(editor, 0o755);
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', EDITOR: editor, VISUAL: '', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });

    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.sendText('explain @maints');
    await terminal.waitFor((screen) => /› src\/cli\/main\.ts/.test(screen));
    await terminal.sendKeys('Tab');
    await terminal.waitFor((screen) => screen.includes('explain @src/cli/main.ts'));
    await terminal.sendKeys('Enter');
    const answered = await terminal.waitFor((screen) => screen.includes('Read the attached file.'));
    expect(answered).toMatch(/attached src\/cli\/main\.ts \(29 bytes\)/);
    expect(JSON.stringify(server.requests[0]!.messages)).toContain('<file path=\\"src/cli/main.ts\\">\\nexport const entry');

    await terminal.submit('!cat notes.txt');
    await terminal.waitFor((screen) => screen.includes('shell sees me') && screen.includes('exit code 0'));

    await terminal.sendText('draft');
    // Typed apart, as a person types: text and Ctrl+G in one read of the terminal are one chunk of text to Ink.
    await terminal.waitFor((screen) => screen.includes('› draft'));
    await terminal.sendKeys('C-g');
    await terminal.waitFor((screen) => screen.includes('what did the command print'));
    await terminal.sendKeys('Enter');
    await terminal.waitFor((screen) => screen.includes('Saw the command output.'));
    const second = JSON.stringify(server.requests[1]!.messages);
    expect(second).toContain('shell sees me');
    expect(second).toContain('what did the command print');
  }, 60_000);

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
    await terminal.submit('summarise the sources');

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
    const asking = await first.waitFor((screen) => screen.includes('would:'));
    expect(asking).toContain('set approvalMode to "yolo" (commands and edits run without asking)');
    expect(asking).not.toContain('/help for commands');
    await first.sendKeys('y');
    const started = await first.waitFor((screen) => screen.includes('/help for commands'));
    expect(started).toMatch(/yolo/);
    // The main UI takes keys after the prompt's own Ink instance let go of the terminal.
    await first.submit('/approval');
    await first.waitFor((screen) => screen.includes('Approval mode: yolo'));
    expect(existsSync(path.join(home, 'state', 'trusted-folders.json'))).toBe(true);

    const second = await startTmux([process.execPath, cli, '--cwd', cwd], { env });
    const again = await second.waitFor((screen) => screen.includes('/help for commands'));
    expect(again).not.toContain('would:');
    expect(again).toMatch(/yolo/);
  }, 60_000);

  it('delivers a message typed during a slow command at the next step, and expands a research report with /show N', async () => {
    const cwd = await createTempWorkspace({ 'src/loans.ts': 'export function lendBook() {}\n' });
    const mainReplies = [
      { toolCalls: [{ id: 'c1', name: 'bash', arguments: '{"command":"sleep 3"}' }] },
      { toolCalls: [{ id: 'c2', name: 'research_codebase', arguments: '{"question":"Where are books lent?"}' }] },
      { text: 'Research summarised.' },
    ];
    let mainIndex = 0;
    const server = await startOpenAIServer((body) => (isSubagent(body) ? { text: 'Books are lent in src/loans.ts by lendBook.' } : mainReplies[mainIndex++]!));
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--allow', 'bash', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
      rows: 50,
    });
    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.submit('wait a moment');
    await terminal.waitFor((screen) => /bash sleep 3/.test(screen));
    await terminal.submit('also look at the loans');
    await terminal.waitFor((screen) => screen.includes('Research summarised.'));
    // Queued while the command slept, it went out with the request after the command's result.
    const userTexts = (request: Record<string, any>) => JSON.stringify(request.messages.filter((message: { role: string }) => message.role === 'user'));
    const main = server.requests.filter((request) => !isSubagent(request));
    expect(userTexts(main[0]!)).not.toContain('also look at the loans');
    expect(userTexts(main[1]!)).toContain('also look at the loans');

    await terminal.submit('/show');
    const listed = /(\d+) \S+ research_codebase Where are books lent/;
    const number = listed.exec(await terminal.waitFor((screen) => listed.test(screen)))![1]!;
    await terminal.submit(`/show ${number}`);
    const report = await terminal.waitFor((screen) => screen.includes('report:') && screen.includes('Books are lent in src/loans.ts by lendBook.'));
    expect(report).toContain('sub-agent:');
  }, 90_000);

  it('shows a research call spinning in its panel while the model still writes the rest of the response', async () => {
    const cwd = await createTempWorkspace({ 'src/loans.ts': 'export function lendBook() {}\n' });
    let mainRequests = 0;
    const server = await startOpenAIServer((body) => {
      if (isSubagent(body)) return { text: 'Books are lent in src/loans.ts.' };
      mainRequests += 1;
      if (mainRequests > 1) return { text: 'Lending is in src/loans.ts.' };
      return {
        toolCalls: [{ id: 'call_research', name: 'research_codebase', arguments: '{"question":"where are books lent?"}' }],
        pace: { gapMs: 0, trailingMs: 4_000, trailingText: 'While that runs, I keep writing the rest of this answer, word after word, for a while.' },
      };
    });
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });
    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.submit('where are books lent?');
    const early = await terminal.waitFor((screen) => /Research/i.test(screen) && screen.includes('where are books lent?') && screen.includes('While that runs'));
    // The panel is up and the model's first response has not ended yet.
    expect(server.responseEndTimes[0]).toBeUndefined();
    expect(early).toMatch(/research_codebase|Research/);
    await terminal.waitFor((screen) => screen.includes('Lending is in src/loans.ts.'));
    expect(server.requests.filter((body) => !isSubagent(body))).toHaveLength(2);
  }, 60_000);

  it('plans in plan mode with writes allowed, writing nothing, shows the plan panel, then carries the plan out', async () => {
    const cwd = await createTempWorkspace({ 'src/parser.ts': 'export const off = 1;\n' });
    const plan = [
      { step: 'Read src/parser.ts', status: 'completed' },
      { step: 'Fix the off-by-one', status: 'in_progress' },
      { step: 'Run the tests', status: 'pending' },
    ];
    const server = await startOpenAIServer([
      {
        toolCalls: [
          { id: 'call_plan', name: 'update_plan', arguments: JSON.stringify({ plan }) },
          { id: 'call_write', name: 'write_file', arguments: '{"path":"PLANNED.md","content":"should not exist\\n"}' },
        ],
      },
      { text: 'Plan: change the constant in src/parser.ts.' },
      { toolCalls: [{ id: 'call_go', name: 'write_file', arguments: '{"path":"DONE.md","content":"done\\n"}' }] },
      { text: 'Carried out.' },
    ]);
    const home = await createTempWorkspace();
    const terminal = await startTmux(
      [process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--cwd', cwd, '--approval', 'plan', '--allow', 'write_file'],
      { env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') } },
    );
    await terminal.waitFor((screen) => screen.includes('plan (shift+tab)'));
    await terminal.submit('fix the parser');
    const ready = await terminal.waitFor((screen) => screen.includes('The plan is ready'));
    expect(ready).toMatch(/Plan · 1 of 3 done/);
    expect(ready).toMatch(/▸ Fix the off-by-one/);
    expect(ready).toContain('not run: plan mode');
    expect(existsSync(path.join(cwd, 'PLANNED.md'))).toBe(false);
    await terminal.sendKeys('2');
    await terminal.waitFor((screen) => screen.includes('Carried out.'));
    expect(await readFile(path.join(cwd, 'DONE.md'), 'utf8')).toBe('done\n');
    expect(existsSync(path.join(cwd, 'PLANNED.md'))).toBe(false);
  }, 60_000);

  it('says in the approval box when a write changes line endings, though the text looks the same', async () => {
    const cwd = await createTempWorkspace({ 'notes.txt': 'one\ntwo\nthree\n' });
    const server = await startOpenAIServer([
      { toolCalls: [{ id: 'call_crlf', name: 'write_file', arguments: JSON.stringify({ path: 'notes.txt', content: 'one\r\ntwo\r\nthree\r\n' }) }] },
      { text: 'Converted.' },
    ]);
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });
    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.submit('use CRLF in notes.txt');
    const asking = await terminal.waitFor((screen) => screen.includes('notes.txt?'));
    expect(asking).toContain('Line endings change: the whole file goes from LF to CRLF (3 lines).');
    await terminal.sendKeys('y');
    await terminal.waitFor((screen) => screen.includes('Converted.'));
    expect(await readFile(path.join(cwd, 'notes.txt'), 'utf8')).toBe('one\r\ntwo\r\nthree\r\n');
  }, 60_000);
});
