import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { COMMAND_MARKER_VARIABLE } from './command-env';

/** How long a process tree gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 1000;
const POLL_MS = 25;
const STOP_SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/**
 * One running command: its detached process group, and the marker its
 * environment carries. Processes that leave the group (`setsid`) are found by
 * the marker in `/proc/<pid>/environ`; in the sandbox its PID namespace does that job.
 */
export interface CommandTree {
  pid: number;
  marker: string;
  isSandboxed: boolean;
}

const liveTrees = new Set<CommandTree>();
/** Commands about to be spawned: the stop signals are caught for them already. */
let armed = 0;

/** A command's place among the trees shoal kills when it stops, taken before the command is spawned. */
export interface TreeSlot {
  /** Call with the spawned tree in the same tick as the spawn; returns the function that unregisters it. */
  track: (tree: CommandTree) => () => void;
  /** Call instead of `track` when nothing was spawned. */
  release: () => void;
}

/**
 * Catches SIGTERM, SIGHUP and SIGINT for a command about to start, so that
 * shoal's exit or one of those signals kills it. Taken before the spawn: until
 * a handler is installed a signal has its default action, and one arriving
 * between the spawn and the handler (a busy machine can pause shoal there)
 * ended shoal and left every process of the command running.
 */
export function reserveTree(): TreeSlot {
  if (liveTrees.size + armed === 0) for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
  armed += 1;
  let isSettled = false;
  const settle = () => {
    if (isSettled) return false;
    isSettled = true;
    armed -= 1;
    return true;
  };
  const disarmIfIdle = () => {
    if (liveTrees.size + armed === 0) removeSignalHandlers();
  };
  return {
    track(tree) {
      if (!settle()) throw new Error('This tree slot was already used.');
      // Same tick as the spawn: a signal's handler runs on a later turn of the event loop, and finds the tree.
      liveTrees.add(tree);
      return () => {
        liveTrees.delete(tree);
        disarmIfIdle();
      };
    },
    release() {
      if (settle()) disarmIfIdle();
    },
  };
}

/** Sends SIGTERM to the whole tree, then SIGKILL to whatever is left after a grace period. */
export async function terminateTree(tree: CommandTree): Promise<void> {
  let isGroupAlive = signalGroup(tree.pid, 'SIGTERM');
  let escaped = signalMarked(tree, 'SIGTERM');
  for (const deadline = Date.now() + KILL_GRACE_MS; isGroupAlive || escaped; ) {
    if (Date.now() >= deadline) {
      killTreeNow(tree);
      return;
    }
    await delay(POLL_MS);
    isGroupAlive = signalGroup(tree.pid, 0);
    escaped = signalMarked(tree, 0);
  }
}

/** An exit or signal handler sweeps for escaped processes at least this often, and at most MAX_SWEEPS times, a moment apart. */
const MIN_SWEEPS = 3;
const MAX_SWEEPS = 10;
const SWEEP_PAUSE_MS = 20;

/**
 * SIGKILLs the tree at once; synchronous, for exit and signal handlers. The
 * escaped processes are swept more than once, a brief pause apart: one in
 * the middle of exec has an environment /proc cannot read yet, and one that
 * was forking leaves a child the first sweep could not see.
 */
function killTreeNow(tree: CommandTree): void {
  signalGroup(tree.pid, 'SIGKILL');
  // In the sandbox the PID namespace dies with bwrap: nothing can have escaped.
  if (tree.isSandboxed) return;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    const found = signalMarked(tree, 'SIGKILL');
    if (!found && sweep + 1 >= MIN_SWEEPS) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SWEEP_PAUSE_MS);
  }
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

/** Signals the tree's processes that left its group; true when there were any. */
function signalMarked(tree: CommandTree, signal: NodeJS.Signals | 0): boolean {
  if (tree.isSandboxed) return false;
  const pids = markedPids(tree.marker);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
  return pids.length > 0;
}

/**
 * Processes whose environment carries `marker`. Only processes of shoal's own
 * user can be read (others fail with EACCES), and a zombie's environment reads empty, so the dead never match.
 */
function markedPids(marker: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // Not Linux: the process group is all we have.
  }
  const needle = Buffer.from(`${COMMAND_MARKER_VARIABLE}=${marker}\0`);
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`).includes(needle)) pids.push(pid);
    } catch {
      // Another user's process, or one that just exited.
    }
  }
  return pids;
}

process.once('exit', () => {
  for (const tree of liveTrees) killTreeNow(tree);
});

/**
 * Kills every live tree, then hands the signal on: when nobody else handles it
 * (only signal-exit's listeners, which merely re-raise), shoal re-raises it to
 * die the conventional way; otherwise the other handler (headless SIGINT) decides.
 */
function onStopSignal(signal: NodeJS.Signals): void {
  for (const tree of liveTrees) killTreeNow(tree);
  const others = process.listenerCount(signal) - 1 - signalExitListeners();
  removeSignalHandlers();
  if (others <= 0) process.kill(process.pid, signal);
}

function removeSignalHandlers(): void {
  for (const signal of STOP_SIGNALS) process.off(signal, onStopSignal);
}

/** How many signal listeners belong to signal-exit (v3 via Ink, v4 via execa); they act only when nobody else listens. */
function signalExitListeners(): number {
  const legacy = (process as { __signal_exit_emitter__?: { count?: number } }).__signal_exit_emitter__?.count ?? 0;
  const modern = (globalThis as Record<symbol, { count?: number } | undefined>)[Symbol.for('signal-exit emitter')]?.count ?? 0;
  return legacy + modern;
}
