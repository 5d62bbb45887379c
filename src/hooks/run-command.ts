import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { commandEnv } from '../tools/shell/command-env';
import { reserveTree, terminateTree, type CommandTree, type TreeSlot } from '../tools/shell/process-tree';

/** What one hook command did: its exit code (null when killed), what it printed, and whether its time ran out. */
export interface CommandRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  isTimedOut: boolean;
  /** Set when the command could not be started at all. */
  spawnError?: string;
  durationMs: number;
}

/** Most bytes kept of each of a hook's stdout and stderr: a hook that floods is cut, not buffered whole. */
const MAX_OUTPUT_BYTES = 1024 * 1024;
// A hook that exits but leaves a child holding its pipes open (`cmd &`) is not waited for past this.
const PIPE_GRACE_MS = 500;

/** No place among the trees a stop signal kills. */
const UNTRACKED: TreeSlot = { track: () => () => {}, release: () => {} };

/**
 * Runs one hook as the user's own command: `sh -c` in the workspace, outside
 * the sandbox, with `input` as JSON on stdin and an environment without
 * shoal's secrets (`commandEnv`) plus CLAUDE_PROJECT_DIR and SHOAL_PROJECT_DIR.
 * Past `timeoutMs`, or on `signal`, its whole process group is killed.
 * With `outlivesStop` (a hook that runs as shoal stops), a stop signal shoal
 * receives does not kill it: it has its timeout, as when the user quits.
 * Contract: never rejects.
 */
export function runHookCommand(options: { command: string; input: unknown; cwd: string; timeoutMs: number; signal?: AbortSignal; outlivesStop?: boolean }): Promise<CommandRun> {
  const started = performance.now();
  const marker = `hook-${randomUUID()}`;
  const env = commandEnv({ marker, overrides: { CLAUDE_PROJECT_DIR: options.cwd, SHOAL_PROJECT_DIR: options.cwd } });
  const slot = options.outlivesStop ? UNTRACKED : reserveTree();
  return new Promise<CommandRun>((resolve) => {
    let child;
    try {
      child = spawn('sh', ['-c', options.command], { cwd: options.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      slot.release();
      resolve({ exitCode: null, stdout: '', stderr: '', isTimedOut: false, spawnError: (error as Error).message, durationMs: 0 });
      return;
    }
    const tree: CommandTree = { pid: child.pid ?? 0, marker, isSandboxed: false };
    const untrack = child.pid === undefined ? (slot.release(), () => {}) : slot.track(tree);
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    let isTimedOut = false;
    let exitCode: number | null = null;
    let spawnError: string | undefined;
    // Without a pid there is no group to kill: -0 would be shoal's own.
    const kill = () => (child.pid === undefined ? undefined : void terminateTree(tree));
    const timer = setTimeout(() => {
      isTimedOut = true;
      kill();
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    // A hook that does not read its input closes stdin early: EPIPE is no failure of the hook's.
    child.stdin.on('error', () => {});
    child.stdin.end(`${JSON.stringify(options.input)}\n`);
    child.on('error', (error) => {
      spawnError = error.message;
      // Never started (a missing cwd): no 'close' follows.
      if (child.pid === undefined) finish(null);
    });
    child.on('exit', (code) => {
      exitCode = code;
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_GRACE_MS).unref();
    });
    let isFinished = false;
    const finish = (code: number | null) => {
      if (isFinished) return;
      isFinished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      untrack();
      resolve({
        exitCode: isTimedOut ? null : (exitCode ?? code),
        stdout: stdout.text(),
        stderr: stderr.text(),
        isTimedOut,
        ...(spawnError ? { spawnError } : {}),
        durationMs: performance.now() - started,
      });
    };
    child.on('close', finish);
  });
}

function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= MAX_OUTPUT_BYTES) return;
    chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
    size += chunk.length;
  });
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}
