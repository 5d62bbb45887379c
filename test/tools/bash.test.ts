import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBashTool, type BashToolOptions } from '../../src/tools/bash';
import { createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

async function run(command: string, options: Partial<BashToolOptions> & { timeout_ms?: number } = {}) {
  const cwd = await createTempWorkspace();
  const { timeout_ms, ...toolOptions } = options;
  const started = Date.now();
  const result = await createBashTool({ cwd, ...toolOptions }).execute({ command, timeout_ms }, context);
  return { cwd, result, elapsedMs: Date.now() - started };
}

/** True while `pid` runs; a zombie (dead, not yet reaped by a non-reaping init) counts as gone. */
function isAlive(pid: number): boolean {
  if (existsSync('/proc')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readPid(file: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return Number(text.trim());
    await delay(10);
  }
  throw new Error(`no pid in ${file}`);
}

/** Starts a background sleep that records its pid, then keeps the shell busy. */
const backgroundSleep = 'sleep 30 & echo $! > bg.pid; wait';

describe('bash', () => {
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
    const { result, elapsedMs } = await run('cat; read -r line || echo eof', { timeout_ms: 10_000 });
    expect(result.output).toBe('eof\nexit code 0');
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('reports a death by signal', async () => {
    const { result } = await run('kill -USR1 $$');
    expect(result).toEqual({ output: '(no output)\nkilled by signal SIGUSR1', summary: 'killed by SIGUSR1' });
  });

  it('kills the whole process tree on timeout', async () => {
    const { cwd, result, elapsedMs } = await run(`echo started; ${backgroundSleep}`, { timeout_ms: 500 });
    expect(result.output).toMatch(/^started\nkilled after timeout of 0\.5 s \(the command and its child processes were stopped\)/);
    expect(result.summary).toBe('timed out after 0.5 s');
    expect(isAlive(await readPid(path.join(cwd, 'bg.pid')))).toBe(false);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('falls back to SIGKILL for a tree that ignores SIGTERM', async () => {
    const { cwd, result } = await run(`trap "" TERM; ${backgroundSleep}`, { timeout_ms: 300 });
    expect(result.summary).toBe('timed out after 0.3 s');
    expect(isAlive(await readPid(path.join(cwd, 'bg.pid')))).toBe(false);
  });

  it('stops background processes when the command ends', async () => {
    const { cwd, result, elapsedMs } = await run('sleep 30 & echo $! > bg.pid; echo started');
    expect(result.output).toBe('started\nexit code 0');
    expect(isAlive(await readPid(path.join(cwd, 'bg.pid')))).toBe(false);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('kills the tree and rejects when aborted', async () => {
    const cwd = await createTempWorkspace();
    const controller = new AbortController();
    const started = Date.now();
    const running = createBashTool({ cwd }).execute(
      { command: backgroundSleep },
      { ...context, signal: controller.signal },
    );
    const pid = await readPid(path.join(cwd, 'bg.pid'));
    expect(isAlive(pid)).toBe(true);
    controller.abort();
    await expect(running).rejects.toThrow('Cancelled');
    expect(isAlive(pid)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not start a command when already aborted', async () => {
    const cwd = await createTempWorkspace();
    const controller = new AbortController();
    controller.abort();
    await expect(
      createBashTool({ cwd }).execute({ command: 'touch ran' }, { ...context, signal: controller.signal }),
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
    expect(await createBashTool({ cwd }).preview!({ command: 'npm test' })).toEqual({ type: 'command', command: 'npm test', cwd, isSandboxed: false });
  });

  it('describes the call by the first line of the command, cut to 80 characters', async () => {
    const tool = createBashTool({ cwd: '/' });
    expect(tool.describe({ command: 'npm test' })).toBe('npm test');
    expect(tool.describe({ command: 'cd src\nls' })).toBe('cd src …');
    expect(tool.describe({ command: `echo ${'x'.repeat(100)}` })).toBe(`echo ${'x'.repeat(74)}…`);
  });
});
