import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux, type TmuxSession } from '../helpers/tmux';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

/** Every file under `dir` with its bytes (base64), so two trees compare byte for byte. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = (await readFile(full)).toString('base64');
  }
  return files;
}

/** The prompt box: from the last top border down. */
function promptBox(screen: string): string {
  const lines = screen.trimEnd().split('\n');
  return lines.slice(lines.findLastIndex((line) => line.startsWith('╭'))).join('\n');
}

// One command creates a file (in a new folder), deletes one, appends to one and rewrites a binary one.
const COMMAND = "mkdir -p made && printf 'new\\n' > made/new.txt && rm gone.txt && printf 'two\\n' >> log.txt && printf '\\001\\002' > data.bin";

/** The scripted model: the bash command for every prompt, then a line once its result is in. */
function startModel() {
  let calls = 0;
  return startOpenAIServer((body) => {
    const last = body.messages.at(-1);
    if (last.role === 'tool') return { text: 'Changed the files.' };
    calls += 1;
    return { toolCalls: [{ id: `call_${calls}`, name: 'bash', arguments: JSON.stringify({ command: COMMAND }) }] };
  });
}

async function rewindFirstPrompt(terminal: TmuxSession, prompt: string): Promise<string> {
  await terminal.submit('/rewind 1');
  await terminal.waitFor((screen) => screen.includes('1 code and conversation'));
  await terminal.sendKeys('Enter');
  const confirm = await terminal.waitFor((screen) => screen.includes('back as they were before prompt 1?'));
  await terminal.sendKeys('y');
  await terminal.waitFor((screen) => screen.includes('Rewound the conversation to before prompt 1') && promptBox(screen).includes(prompt));
  return confirm;
}

/** A workspace for the scripted model's command, its state in a home of its own, and `shoal -p` runs against it. */
async function headlessWorkspace() {
  const cwd = await createTempWorkspace({ 'gone.txt': 'gone\n', 'log.txt': 'one\n', 'data.bin': Buffer.from([0, 255, 10]) });
  const before = await snapshot(cwd);
  const server = await startModel();
  const home = await createTempWorkspace();
  const env = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') };
  const args = [cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--allow', 'bash', '--cwd', cwd];
  const run = (prompt: string) => promisify(execFile)(process.execPath, [...args, '-p', prompt], { env: { ...process.env, ...env } });
  return { cwd, before, home, env, args, run };
}

describe('/rewind in a real terminal', () => {
  it("puts back what a turn's command did, byte for byte, and hands the prompt back; again after shoal --continue", async () => {
    const cwd = await createTempWorkspace({ 'gone.txt': 'gone\n', 'log.txt': 'one\n', 'data.bin': Buffer.from([0, 255, 10]), 'keep.txt': 'keep\n' });
    const before = await snapshot(cwd);
    const server = await startModel();
    const home = await createTempWorkspace();
    const env = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') };
    const args = [process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--allow', 'bash', '--cwd', cwd];

    const first = await startTmux(args, { env, rows: 50 });
    await first.waitFor((screen) => screen.includes('/help for commands'));
    await first.submit('change the files');
    await first.waitFor((screen) => screen.includes('Changed the files.'));
    expect(await snapshot(cwd)).not.toEqual(before);

    const confirm = await rewindFirstPrompt(first, 'change the files');
    for (const line of ['remove  made/new.txt', 'restore data.bin', 'restore log.txt', 'recreate gone.txt']) expect(confirm).toContain(line);
    // A command wrote them, not shoal's file edits: each is marked.
    expect(confirm).toMatch(/restore log\.txt {2}\(not by shoal’s file edits\)/);
    expect(await snapshot(cwd)).toEqual(before);

    // The edited prompt goes out on a conversation without the rewound turn.
    await first.sendKeys('C-u');
    await first.submit('change them again');
    await first.waitFor((screen) => screen.split('Changed the files.').length === 3);
    const again = JSON.stringify(server.requests.at(-2)!.messages);
    expect(again).toContain('change them again');
    expect(again).not.toContain('change the files');
    expect(await snapshot(cwd)).not.toEqual(before);
    await first.submit('/exit');
    // The pane closes with shoal (capture then reads as nothing): its session lock is let go.
    await first.waitFor((screen) => screen === '', 10_000);

    const second = await startTmux([...args, '--continue'], { env, rows: 50 });
    const resumed = await second.waitFor((screen) => screen.includes('resumed session'));
    // The saved session holds the cut conversation: the rewound prompt is not retold.
    expect(resumed).toContain('› change them again');
    expect(resumed).not.toContain('› change the files');
    await rewindFirstPrompt(second, 'change them again');
    expect(await snapshot(cwd)).toEqual(before);
  }, 120_000);

  it('checkpoints a headless run too: shoal --continue then /rewind puts its changes back', async () => {
    const { cwd, before, env, args, run } = await headlessWorkspace();
    await run('change the files');
    expect(await snapshot(cwd)).not.toEqual(before);

    const terminal = await startTmux([process.execPath, ...args, '--continue'], { env, rows: 50 });
    await terminal.waitFor((screen) => screen.includes('resumed session'));
    await rewindFirstPrompt(terminal, 'change the files');
    expect(await snapshot(cwd)).toEqual(before);
  }, 120_000);

  it('rewinds a session picked by shoal --resume <id>, not the newest one', async () => {
    const { cwd, before, home, env, args, run } = await headlessWorkspace();
    await run('change the files');
    const [firstId] = (await readdir(path.join(home, 'state', 'sessions'))).filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -'.jsonl'.length));
    // A second session, newer than the first, runs the command again on the changed tree.
    await run('and once more');
    expect(await snapshot(cwd)).not.toEqual(before);

    const terminal = await startTmux([process.execPath, ...args, '--resume', firstId!], { env, rows: 50 });
    const resumed = await terminal.waitFor((screen) => screen.includes('resumed session'));
    expect(resumed).toContain('› change the files');
    expect(resumed).not.toContain('› and once more');
    await rewindFirstPrompt(terminal, 'change the files');
    expect(await snapshot(cwd)).toEqual(before);
  }, 120_000);
});
