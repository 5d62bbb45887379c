import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { commandEnv } from './command-env';
import { plural } from '../output-cap';
import { reserveTree, terminateTree, type TreeSlot } from './process-tree';
import { nestedGitEntries, sandboxCommand, sandboxStatus, type SandboxProbe, type SandboxSettings } from './sandbox';
import type { ShoalTool, ToolOptions } from '../types';

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_OUTPUT_BYTES = 30_000;
/** After the shell exits, how long to wait for its output pipes to close before giving up on them. */
const DRAIN_GRACE_MS = 1000;
const DESCRIBE_CHARS = 80;

/** Input of the `bash` tool. */
export const bashInputSchema = z.object({
  command: z.string().min(1).describe('The command, run with `bash -c` in the workspace root.'),
  timeout_ms: z
    .number()
    .int()
    .min(1)
    .max(MAX_TIMEOUT_MS)
    .optional()
    .describe(`Milliseconds before the command is killed. Default ${DEFAULT_TIMEOUT_MS}, at most ${MAX_TIMEOUT_MS}.`),
  description: z.string().optional().describe('What the command does, in a few words, for the user.'),
});

/** Input of the `bash` tool. */
export type BashInput = z.infer<typeof bashInputSchema>;

/**
 * Options of the `bash` tool: the default timeout and the output cap, both
 * overridable for tests, and the sandbox's settings (`sandbox` decides whether it is used; tests inject one).
 */
export interface BashToolOptions extends ToolOptions, SandboxSettings {
  timeoutMs?: number;
  maxOutputBytes?: number;
  sandbox?: SandboxProbe;
}

/** How a command ended. */
type Ending = { type: 'exit'; code: number } | { type: 'signal'; signal: string } | { type: 'timeout' };

/**
 * Runs a shell command in the workspace root with stdin closed, and returns its
 * interleaved stdout and stderr (head and tail when long) and how it ended. On
 * timeout or abort the whole process tree is killed.
 */
export function createBashTool(options: BashToolOptions): ShoalTool<BashInput> {
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const probe = options.sandbox ?? sandboxStatus;
  return {
    name: 'bash',
    description:
      'Run a shell command with `bash -c` in the workspace root and get its combined stdout and stderr, then "exit code N". ' +
      'A non-zero exit is reported, not an error. Stdin is closed, so commands never wait for input; pass flags like --yes instead. ' +
      `Times out after ${DEFAULT_TIMEOUT_MS / 1000} s unless timeout_ms says otherwise (max ${MAX_TIMEOUT_MS / 1000} s). ` +
      `Output over ${maxOutputBytes} bytes keeps its start and end. ` +
      'Processes left running in the background are stopped when the command ends. ' +
      'Where the sandbox is available (Linux with bubblewrap) the command runs in it: files outside the workspace are read-only, ' +
      `.git and .shoal too, /tmp is private and empty for each command${options.network ? '' : ', and there is no network'}. ` +
      'Prefer read_file, list_dir, glob and grep over cat, ls, find and grep: they run in parallel without approval.',
    inputSchema: bashInputSchema,
    kind: 'write',
    describe(input) {
      const [first = '', ...rest] = input.command.trim().split('\n');
      if (first.length > DESCRIBE_CHARS) return `${first.slice(0, DESCRIBE_CHARS - 1)}…`;
      return rest.length > 0 ? `${first} …` : first;
    },
    async preview(input) {
      const isSandboxed = (await probe()).isAvailable;
      // Walked while the user decides, so the command need not wait for it.
      if (isSandboxed) void nestedGitEntries(options.cwd);
      return { type: 'command', command: input.command, cwd: options.cwd, isSandboxed };
    },
    async execute(input, { signal }) {
      const timeoutMs = Math.min(input.timeout_ms ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
      const sandbox = (await probe()).isAvailable
        ? { hiddenPaths: options.hiddenPaths, network: options.network, nestedGitEntries: await nestedGitEntries(options.cwd) }
        : undefined;
      const run = await runCommand({ command: input.command, cwd: options.cwd, sandbox, timeoutMs, maxOutputBytes, signal });
      const body = run.output.replace(/\n$/, '');
      const seconds = `${formatSeconds(timeoutMs)} s`;
      const [status, summary] =
        run.ending.type === 'exit'
          ? [`exit code ${run.ending.code}`, `exit ${run.ending.code}, ${plural(run.lines, 'line')}`]
          : run.ending.type === 'signal'
            ? [`killed by signal ${run.ending.signal}`, `killed by ${run.ending.signal}`]
            : [
                `killed after timeout of ${seconds} (the command and its child processes were stopped). ` +
                  `If it needs longer, set timeout_ms (at most ${MAX_TIMEOUT_MS}).`,
                `timed out after ${seconds}`,
              ];
      return { output: `${body === '' ? '(no output)' : body}\n${status}`, summary };
    },
  };
}

/** `spawn()`, giving the slot back if it throws, so the stop signals are not left caught for nothing. */
function spawnOrRelease<T>(slot: TreeSlot, spawn: () => T): T {
  try {
    return spawn();
  } catch (error) {
    slot.release();
    throw error;
  }
}

/** What a finished command left behind. */
interface CommandRun {
  output: string;
  /** Lines of the whole output, including any part cut from `output`. */
  lines: number;
  ending: Ending;
}

/**
 * Runs `bash -c command` (in the sandbox when `sandbox` is set) in its own
 * process group with a scrubbed environment, so that a timeout, an abort, or
 * the shell's exit can stop every process it started.
 * Rejects with "Cancelled" when `signal` aborts, after the tree is killed.
 */
async function runCommand(options: {
  command: string;
  cwd: string;
  sandbox?: SandboxSettings;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
}): Promise<CommandRun> {
  const { signal, cwd, command } = options;
  // execa loads with the first command, not with the tool list.
  const { execa } = await import('execa');
  if (signal.aborted) throw cancelledError();
  const marker = randomUUID();
  const sandboxed = options.sandbox && sandboxCommand({ ...options.sandbox, cwd, command });
  // Before the spawn: a stop signal in the moment after it must still kill what was started.
  const slot = reserveTree();
  const subprocess = spawnOrRelease(slot, () => execa(sandboxed?.file ?? 'bash', sandboxed?.args ?? ['-c', command], {
    cwd,
    // Inside the sandbox /tmp is the private one, wherever TMPDIR pointed.
    env: commandEnv({ marker, overrides: sandboxed ? { TMPDIR: '/tmp' } : undefined, dropSockets: sandboxed !== undefined }),
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
    encoding: 'buffer',
    reject: false,
    detached: true,
  }));
  const settled = subprocess.then(
    () => {},
    () => {},
  );
  const pid = subprocess.pid;
  if (pid === undefined) {
    slot.release();
    await settled;
    sandboxed?.cleanup();
    throw new Error(`Could not start ${sandboxed ? 'bwrap' : 'bash'}. Is it installed and on PATH?`);
  }

  const capture = createOutputCapture(options.maxOutputBytes);
  subprocess.all.on('data', (chunk: Uint8Array) => capture.push(chunk));
  const exited = waitForExit(subprocess.nodeChildProcess);
  const tree = { pid, marker, isSandboxed: sandboxed !== undefined };
  const untrack = slot.track(tree);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= terminateTree(tree));
  let isTimedOut = false;
  const timer = setTimeout(() => {
    isTimedOut = true;
    void stop();
  }, options.timeoutMs);
  const onAbort = () => void stop();
  signal.addEventListener('abort', onAbort, { once: true });

  try {
    const exit = await exited;
    // Background jobs (`cmd &`) would otherwise hold the output pipes open, and outlive shoal.
    await stop();
    await Promise.race([settled, delay(DRAIN_GRACE_MS)]);
    if (signal.aborted) throw cancelledError();
    const ending: Ending = isTimedOut
      ? { type: 'timeout' }
      : exit.code !== null
        ? { type: 'exit', code: exit.code }
        : { type: 'signal', signal: exit.signal ?? 'unknown' };
    return { output: capture.text(), lines: capture.lines(), ending };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    untrack();
    sandboxed?.cleanup();
    // A process that left the group (setsid) may keep a pipe open; stop reading it.
    subprocess.all.destroy();
  }
}

function cancelledError(): Error {
  return new Error('Cancelled: the command was stopped, with every process it started.');
}

function waitForExit(child: {
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Keeps the first and last bytes of a stream within `maxBytes`, counting what falls between. */
function createOutputCapture(maxBytes: number) {
  const headLimit = Math.floor(maxBytes / 2);
  const tailLimit = maxBytes - headLimit;
  const head: Buffer[] = [];
  let headBytes = 0;
  let tail: Buffer[] = [];
  let tailBytes = 0;
  let totalBytes = 0;
  let newlines = 0;
  let lastByte: number | undefined;

  return {
    push(chunk: Uint8Array) {
      let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      totalBytes += data.length;
      for (const byte of data) if (byte === 0x0a) newlines++;
      lastByte = data.at(-1) ?? lastByte;
      if (headBytes < headLimit) {
        const taken = data.subarray(0, headLimit - headBytes);
        head.push(taken);
        headBytes += taken.length;
        data = data.subarray(taken.length);
      }
      if (data.length === 0) return;
      tail.push(data);
      tailBytes += data.length;
      // Compact only now and then, so a chatty command costs linear time.
      if (tailBytes > 2 * tailLimit) {
        tail = [Buffer.from(Buffer.concat(tail).subarray(-tailLimit))];
        tailBytes = tailLimit;
      }
    },
    lines(): number {
      return newlines + (lastByte !== undefined && lastByte !== 0x0a ? 1 : 0);
    },
    text(): string {
      const tailBuffer = Buffer.concat(tail);
      let kept = tailBuffer.subarray(Math.max(0, tailBuffer.length - tailLimit));
      if (totalBytes === headBytes + kept.length) return Buffer.concat([...head, kept]).toString('utf8');
      // Cut on character boundaries: drop a partial character at the end of the head and the start of the tail.
      const headText = new TextDecoder().decode(Buffer.concat(head), { stream: true });
      while (kept.length > 0 && (kept[0]! & 0xc0) === 0x80) kept = kept.subarray(1);
      const cut = totalBytes - Buffer.byteLength(headText) - kept.length;
      const separator = headText.endsWith('\n') || headText === '' ? '' : '\n';
      return `${headText}${separator}... ${cut} bytes cut ...\n${kept.toString('utf8')}`;
    },
  };
}

/** "120", "0.5": seconds without a trailing ".0". */
function formatSeconds(ms: number): string {
  return Number.isInteger(ms / 1000) ? String(ms / 1000) : (ms / 1000).toFixed(1).replace(/\.0$/, '');
}
