import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { hooksOf, readRecorded, RECORD_INPUT } from '../helpers/hook-scripts';
import { isAlive, readLine } from '../helpers/processes';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux } from '../helpers/tmux';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

const ENV = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '' };

/** A config folder under `home` whose config.json has SessionEnd hooks: one recording its input (and shoal's pid), one that hangs with `timeout: 1`. */
async function configureHooks(home: string, options: { withLate?: boolean } = {}): Promise<void> {
  const hooks = hooksOf([
    { event: 'SessionEnd', command: `echo $PPID > "$CLAUDE_PROJECT_DIR/shoal.pid"\n${RECORD_INPUT('end.jsonl')}` },
    { event: 'SessionEnd', matcher: 'clear', command: RECORD_INPUT('clear.jsonl') },
    { event: 'SessionEnd', command: 'echo $$ > "$CLAUDE_PROJECT_DIR/hang.pid"; exec sleep 30', timeout: 1 },
    // Still running when a closed terminal's SIGHUP reaches shoal: that signal must not cut it short.
    ...(options.withLate ? [{ event: 'SessionEnd' as const, command: `input=$(cat); sleep 2; echo "$input" >> "$CLAUDE_PROJECT_DIR/late.jsonl"`, timeout: 10 }] : []),
  ]);
  await mkdir(path.join(home, 'config'), { recursive: true });
  await writeFile(path.join(home, 'config/config.json'), JSON.stringify({ hooks }));
}

async function pidIn(file: string): Promise<number> {
  return Number(await readLine(file));
}

async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return predicate();
}

describe('SessionEnd hooks, in the built CLI', () => {
  it('run at the end of a headless run with reason other; one that hangs is killed at its timeout and does not keep shoal alive', async () => {
    const home = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    await configureHooks(home);
    const started = Date.now();
    const env = { ...process.env, ...ENV, SHOAL_CONFIG_DIR: path.join(home, 'config'), SHOAL_STATE_DIR: path.join(home, 'state') };
    const result = await execa(process.execPath, [cli, '--model', 'demo', '-p', 'hi', '--cwd', cwd, '--output-format', 'stream-json'], { env, reject: false, stdin: 'ignore', timeout: 30_000 });
    const elapsedMs = Date.now() - started;
    expect(result.exitCode).toBe(0);
    // One second of timeout, plus start-up and the kill: far less than the hook's 30 s sleep.
    expect(elapsedMs).toBeLessThan(15_000);
    expect(await readRecorded(cwd, 'end.jsonl')).toEqual([expect.objectContaining({ hook_event_name: 'SessionEnd', reason: 'other', cwd })]);
    expect(await readRecorded(cwd, 'clear.jsonl')).toEqual([]);
    expect(isAlive(await pidIn(path.join(cwd, 'hang.pid')))).toBe(false);
    const nodes = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; event?: string; status?: string });
    expect(nodes.filter((node) => node.event === 'SessionEnd').map((node) => node.status).sort()).toEqual(['ok', 'timeout']);
  }, 60_000);

  it('run when the user quits the TUI with Ctrl+D, with reason prompt_input_exit; a hanging one does not keep shoal alive', async () => {
    const home = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    await configureHooks(home);
    const terminal = await startTmux([process.execPath, cli, '--model', 'demo', '--cwd', cwd], {
      env: { ...ENV, TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });
    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.sendKeys('C-d');
    expect(await waitUntil(async () => (await readRecorded(cwd, 'end.jsonl')).length > 0, 10_000)).toBe(true);
    expect(await readRecorded(cwd, 'end.jsonl')).toEqual([expect.objectContaining({ hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' })]);
    const shoal = await pidIn(path.join(cwd, 'shoal.pid'));
    // The hanging hook has 1 s; shoal is gone soon after, long before the hook's sleep would end.
    expect(await waitUntil(() => !isAlive(shoal), 10_000)).toBe(true);
    expect(isAlive(await pidIn(path.join(cwd, 'hang.pid')))).toBe(false);
  }, 60_000);

  it('run when the terminal closes under the TUI, with reason other, and shoal then dies of the hangup', async () => {
    const home = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    await configureHooks(home, { withLate: true });
    const terminal = await startTmux([process.execPath, cli, '--model', 'demo', '--cwd', cwd], {
      env: { ...ENV, TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });
    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.close();
    expect(await waitUntil(async () => (await readRecorded(cwd, 'end.jsonl')).length > 0, 15_000)).toBe(true);
    expect(await readRecorded(cwd, 'end.jsonl')).toEqual([expect.objectContaining({ hook_event_name: 'SessionEnd', reason: 'other', cwd })]);
    const shoal = await pidIn(path.join(cwd, 'shoal.pid'));
    expect(await waitUntil(() => !isAlive(shoal), 15_000)).toBe(true);
    expect(isAlive(await pidIn(path.join(cwd, 'hang.pid')))).toBe(false);
    expect(await readRecorded(cwd, 'late.jsonl')).toEqual([expect.objectContaining({ hook_event_name: 'SessionEnd', reason: 'other' })]);
  }, 60_000);

  it('run when shoal is sent SIGTERM, with reason other; shoal dies of the signal', async () => {
    const home = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    await configureHooks(home);
    const terminal = await startTmux(['sh', '-c', `${process.execPath} ${cli} --model demo --cwd ${cwd}; echo "exit status $?"; sleep 30`], {
      env: { ...ENV, TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });
    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    // tmux's own command line names the workspace too: shoal is the node process that does.
    const { stdout } = await execa('pgrep', ['-f', '--', `--cwd ${cwd}`]);
    const shoal = Number(stdout.trim().split('\n').find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(`${process.execPath}\0`)));
    process.kill(shoal, 'SIGTERM');
    // 128 + 15: the shell saw shoal die of SIGTERM, after the hooks ran (the hanging one for its 1 s).
    await terminal.waitFor((screen) => screen.includes('exit status 143'), 15_000);
    expect(await readRecorded(cwd, 'end.jsonl')).toEqual([expect.objectContaining({ hook_event_name: 'SessionEnd', reason: 'other' })]);
    expect(await pidIn(path.join(cwd, 'shoal.pid'))).toBe(shoal);
    expect(isAlive(await pidIn(path.join(cwd, 'hang.pid')))).toBe(false);
  }, 60_000);
});
