import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { z } from 'zod';
import { plural } from './output-cap';
import type { ShoalTool, ToolOptions } from './types';

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_OUTPUT_BYTES = 30_000;
/** How long a process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 1000;
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

/** Options of the `bash` tool: the default timeout and the output cap, both overridable for tests. */
export interface BashToolOptions extends ToolOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
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
  return {
    name: 'bash',
    description:
      'Run a shell command with `bash -c` in the workspace root and get its combined stdout and stderr, then "exit code N". ' +
      'A non-zero exit is reported, not an error. Stdin is closed, so commands never wait for input; pass flags like --yes instead. ' +
      `Times out after ${DEFAULT_TIMEOUT_MS / 1000} s unless timeout_ms says otherwise (max ${MAX_TIMEOUT_MS / 1000} s). ` +
      `Output over ${maxOutputBytes} bytes keeps its start and end. ` +
      'Processes left running in the background are stopped when the command ends. ' +
      'Prefer read_file, list_dir, glob and grep over cat, ls, find and grep: they run in parallel without approval.',
    inputSchema: bashInputSchema,
    kind: 'write',
    describe(input) {
      const [first = '', ...rest] = input.command.trim().split('\n');
      if (first.length > DESCRIBE_CHARS) return `${first.slice(0, DESCRIBE_CHARS - 1)}…`;
      return rest.length > 0 ? `${first} …` : first;
    },
    async preview(input) {
      return { type: 'command', command: input.command, cwd: options.cwd, isSandboxed: false };
    },
    async execute(input, { signal }) {
      const timeoutMs = Math.min(input.timeout_ms ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
      const run = await runCommand({ command: input.command, cwd: options.cwd, timeoutMs, maxOutputBytes, signal });
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

/** What a finished command left behind. */
interface CommandRun {
  output: string;
  /** Lines of the whole output, including any part cut from `output`. */
  lines: number;
  ending: Ending;
}

/**
 * Runs `bash -c command` in its own process group, so that a timeout, an abort,
 * or the shell's exit can signal every process it started at once.
 * Rejects with "Cancelled" when `signal` aborts, after the tree is killed.
 */
async function runCommand(options: {
  command: string;
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
}): Promise<CommandRun> {
  const { signal } = options;
  if (signal.aborted) throw cancelledError();
  const subprocess = execa('bash', ['-c', options.command], {
    cwd: options.cwd,
    env: { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' },
    stdin: 'ignore',
    all: true,
    buffer: false,
    encoding: 'buffer',
    reject: false,
    detached: true,
  });
  const settled = subprocess.then(
    () => {},
    () => {},
  );
  const pid = subprocess.pid;
  if (pid === undefined) {
    await settled;
    throw new Error('Could not start bash. Is it installed and on PATH?');
  }

  const capture = createOutputCapture(options.maxOutputBytes);
  subprocess.all.on('data', (chunk: Uint8Array) => capture.push(chunk));
  const exited = waitForExit(subprocess.nodeChildProcess);
  liveGroups.add(pid);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= terminateGroup(pid));
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
    liveGroups.delete(pid);
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

/** Sends SIGTERM to a whole process group, then SIGKILL to whatever is left after a grace period. */
async function terminateGroup(pid: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  for (const deadline = Date.now() + KILL_GRACE_MS; Date.now() < deadline; ) {
    await delay(25);
    if (!signalGroup(pid, 0)) return;
  }
  signalGroup(pid, 'SIGKILL');
}

/** False when the group no longer exists (ESRCH) or may not be signalled. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Groups of commands still running; detached groups do not die with shoal unless killed here. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

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
