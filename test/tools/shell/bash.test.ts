import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBashTool, type BashToolOptions } from '../../../src/tools/shell/bash';
import type { SandboxProbe } from '../../../src/tools/shell/sandbox';
import { ESCAPING_SLEEPS, markedAlive, readLine } from '../../helpers/processes';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };
const unsandboxed: SandboxProbe = async () => ({ isAvailable: false, note: 'no sandbox in this test' });
const isLinux = process.platform === 'linux';
/** Killed sandboxes vanish a moment after bwrap exits; without a sandbox the tool itself waits until the tree is gone. */
const SETTLE_MS = 1000;

/** Records the command's marker, starts a background sleep, then keeps the shell busy. */
const backgroundSleep = 'echo $SHOAL_COMMAND_ID > marker; sleep 30 & wait';

// Everything but confinement behaves the same in the sandbox (real bwrap, Linux) and without it.
describe.each([
  ...(isLinux ? [{ mode: 'in the sandbox', sandbox: undefined }] : []),
  { mode: 'without a sandbox', sandbox: unsandboxed },
])('bash $mode', ({ sandbox }) => {
  const isSandboxed = sandbox === undefined;
  const settleMs = isSandboxed ? SETTLE_MS : 0;
  const tool = (options: BashToolOptions) => createBashTool({ sandbox, ...options });

  async function run(command: string, options: Partial<BashToolOptions> & { timeout_ms?: number } = {}) {
    const cwd = await createTempWorkspace();
    const { timeout_ms, ...toolOptions } = options;
    const started = Date.now();
    const result = await tool({ cwd, ...toolOptions }).execute({ command, timeout_ms }, context);
    return { cwd, result, elapsedMs: Date.now() - started };
  }

  it('returns the output and the exit code', async () => {
    const { result } = await run('echo hi');
    expect(result).toEqual({ output: 'hi\nexit code 0', summary: 'exit 0, 1 line' });
  });

  it('reports a non-zero exit as a result, not an error', async () => {
    const { result } = await run('echo oops >&2; echo more; exit 3');
    expect(result.output).toMatch(/^(oops\nmore|more\noops)\nexit code 3$/);
    expect(result.summary).toBe('exit 3, 2 lines');
  });

  it('says when there is no output', async () => {
    const { result } = await run('true');
    expect(result.output).toBe('(no output)\nexit code 0');
  });

  it('runs in the workspace root with pagers disabled', async () => {
    const { cwd, result } = await run('pwd; echo "$PAGER $GIT_PAGER $GIT_TERMINAL_PROMPT"');
    expect(result.output).toBe(`${cwd}\ncat cat 0\nexit code 0`);
  });

  it('gives commands that read stdin an immediate EOF', async () => {
    const { result, elapsedMs } = await run('cat; read -r line || echo eof', { timeout_ms: 30_000 });
    expect(result.output).toBe('eof\nexit code 0');
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('reports a death by signal', async () => {
    const { result } = await run('kill -USR1 $$');
    // bwrap reports a signalled command as a shell would, 128 + the signal's number.
    if (isSandboxed) expect(result.summary).toBe('exit 138, 0 lines');
    else expect(result).toEqual({ output: '(no output)\nkilled by signal SIGUSR1', summary: 'killed by SIGUSR1' });
  });

  it('kills the whole process tree on timeout', async () => {
    const { cwd, result, elapsedMs } = await run(`echo started; ${backgroundSleep}`, { timeout_ms: 500 });
    expect(result.output).toMatch(/^started\nkilled after timeout of 0\.5 s \(the command and its child processes were stopped\)/);
    expect(result.summary).toBe('timed out after 0.5 s');
    expect(await markedAlive(path.join(cwd, 'marker'), settleMs)).toEqual([]);
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('falls back to SIGKILL for a tree that ignores SIGTERM', async () => {
    const { cwd, result } = await run(`trap "" TERM; ${backgroundSleep}`, { timeout_ms: 300 });
    expect(result.summary).toBe('timed out after 0.3 s');
    expect(await markedAlive(path.join(cwd, 'marker'), settleMs)).toEqual([]);
  });

  it('stops background processes when the command ends', async () => {
    const { cwd, result, elapsedMs } = await run('echo $SHOAL_COMMAND_ID > marker; sleep 30 & echo started');
    expect(result.output).toBe('started\nexit code 0');
    expect(await markedAlive(path.join(cwd, 'marker'), settleMs)).toEqual([]);
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('kills the tree and rejects when aborted', async () => {
    const cwd = await createTempWorkspace();
    const controller = new AbortController();
    const started = Date.now();
    const running = tool({ cwd }).execute(
      { command: backgroundSleep },
      { ...context, signal: controller.signal },
    );
    const marker = path.join(cwd, 'marker');
    await readLine(marker);
    expect(await markedAlive(marker)).not.toEqual([]);
    controller.abort();
    await expect(running).rejects.toThrow('Cancelled');
    expect(await markedAlive(marker, settleMs)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('kills escaped (setsid) and ordinary children on timeout', async () => {
    const { cwd, result } = await run(ESCAPING_SLEEPS, { timeout_ms: 500 });
    expect(result.summary).toBe('timed out after 0.5 s');
    expect(await markedAlive(path.join(cwd, 'marker'), settleMs)).toEqual([]);
  });

  it('kills escaped (setsid) and ordinary children on abort', async () => {
    const cwd = await createTempWorkspace();
    const controller = new AbortController();
    const running = tool({ cwd }).execute({ command: ESCAPING_SLEEPS }, { ...context, signal: controller.signal });
    const marker = path.join(cwd, 'marker');
    await readLine(marker);
    await delay(100); // both sleeps started
    expect((await markedAlive(marker)).length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await expect(running).rejects.toThrow('Cancelled');
    expect(await markedAlive(marker, settleMs)).toEqual([]);
  });

  it('kills escaped (setsid) children left behind when the command ends', async () => {
    const { cwd, result } = await run('echo $SHOAL_COMMAND_ID > marker; setsid sleep 300 > /dev/null 2>&1 & echo started');
    expect(result.output).toBe('started\nexit code 0');
    expect(await markedAlive(path.join(cwd, 'marker'), settleMs)).toEqual([]);
  });

  it('hides credentials from the environment but keeps PATH and HOME', async () => {
    const secrets = { OPENAI_API_KEY: 'sk-test-openai', GITHUB_TOKEN: 'ghp-test', AWS_SECRET_ACCESS_KEY: 'aws-test-secret' };
    const saved = Object.keys(secrets).map((name) => [name, process.env[name]] as const);
    Object.assign(process.env, secrets);
    try {
      const { result } = await run('env');
      for (const [name, value] of Object.entries(secrets)) {
        expect(result.output).not.toContain(name);
        expect(result.output).not.toContain(value);
      }
      expect(result.output).toContain(`PATH=${process.env.PATH}\n`);
      expect(result.output).toContain(`HOME=${process.env.HOME}\n`);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('does not start a command when already aborted', async () => {
    const cwd = await createTempWorkspace();
    const controller = new AbortController();
    controller.abort();
    await expect(
      tool({ cwd }).execute({ command: 'touch ran' }, { ...context, signal: controller.signal }),
    ).rejects.toThrow('Cancelled');
    expect(existsSync(path.join(cwd, 'ran'))).toBe(false);
  });

  it('keeps the head and tail of long output and marks the cut', async () => {
    const { result } = await run('seq 1 10000', { maxOutputBytes: 1000 });
    const total = Array.from({ length: 10_000 }, (_, index) => `${index + 1}\n`).join('').length;
    const [head, tail] = result.output.split(`\n... ${total - 1000} bytes cut ...\n`);
    expect(head).toMatch(/^1\n2\n3\n/);
    expect(tail).toMatch(/\n9999\n10000\nexit code 0$/);
    expect(Buffer.byteLength(result.output)).toBeLessThan(1100);
    expect(result.summary).toBe('exit 0, 10000 lines');
  });

  it('cuts long output on character boundaries', async () => {
    const { result } = await run("for i in $(seq 1 2000); do printf 'é'; done", { maxOutputBytes: 1001 });
    expect(result.output).toContain('bytes cut');
    expect(result.output).not.toContain('\uFFFD');
  });

  it('previews the command and its directory', async () => {
    const cwd = await createTempWorkspace();
    expect(await tool({ cwd }).preview!({ command: 'npm test' })).toEqual({ type: 'command', command: 'npm test', cwd, isSandboxed });
  });

  it('describes the call by the first line of the command, cut to 80 characters', async () => {
    const described = tool({ cwd: '/' });
    expect(described.describe({ command: 'npm test' })).toBe('npm test');
    expect(described.describe({ command: 'cd src\nls' })).toBe('cd src …');
    expect(described.describe({ command: `echo ${'x'.repeat(100)}` })).toBe(`echo ${'x'.repeat(74)}…`);
  });
});
