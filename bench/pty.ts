import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { onCleanup } from './cleanup';
import { sleep } from './measure';

/** A program running in a pseudo-terminal under util-linux `script`, timed from the moment it was spawned. */
export interface PtyProcess {
  /** Everything the program has written so far, escape sequences included. */
  output: () => string;
  /** Resolves with the milliseconds from spawn to the first output matching `pattern`. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<number>;
  /** Types `text` as key presses. */
  type: (text: string) => void;
  /** The resident memory of the program itself (not `script`), from /proc. */
  residentBytes: () => number;
  /** The most resident memory the program has had so far (its high-water mark), from /proc. */
  peakResidentBytes: () => number;
  /** Resolves once `script` (and so the program) has exited. */
  waitForExit: (timeoutMs?: number) => Promise<void>;
  /** Kills the program and `script`. */
  kill: () => void;
}

/** Environment variables that would make the program talk to a real model, read a real config, or think it runs in CI. */
function isolatedEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OPENAI_|SHOAL_|CI_|NODE_OPTIONS$|CI$|CONTINUOUS_INTEGRATION$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, TERM: 'xterm-256color', ...extra };
}

function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** Child processes of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The first process below `root` whose command line contains `needle`. */
function findDescendant(root: number, needle: string): number | undefined {
  for (const child of childrenOf(root)) {
    try {
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(needle)) return child;
    } catch {
      continue;
    }
    const found = findDescendant(child, needle);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Spawns `command` in a pseudo-terminal of the given size (`script -qfec`,
 * with `stty` setting the size before `exec`), with the model, config and CI
 * variables removed from its environment and `env` added.
 */
export function spawnInPty(
  command: string[],
  options: { env: Record<string, string>; cwd: string; columns?: number; rows?: number },
): PtyProcess {
  const shell = `stty cols ${options.columns ?? 120} rows ${options.rows ?? 40}; exec ${command.map(quote).join(' ')}`;
  const startedAt = performance.now();
  const child: ChildProcess = spawn('script', ['-qfec', shell, '/dev/null'], {
    cwd: options.cwd,
    env: isolatedEnvironment(options.env),
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
  });
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    output += chunk;
    for (const check of [...waiters]) check();
  });
  // `script` gives the program its own session: it is not in script's process group, so it is killed by pid.
  let programPid: number | undefined;
  const needle = command.find((part) => part.endsWith('.js')) ?? command[0]!;
  const program = () => (programPid ??= child.pid === undefined ? undefined : findDescendant(child.pid, needle));
  const kill = onCleanup(() => {
    const pid = program();
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  /** A memory figure of the program from /proc/PID/status, in bytes. */
  const statusBytes = (field: 'VmRSS' | 'VmHWM') => {
    const pid = program();
    if (pid === undefined) throw new Error(`No process running ${needle} under script.`);
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (!match) throw new Error(`No ${field} for process ${pid}.`);
    return Number(match[1]) * 1024;
  };
  let hasExited = false;
  child.on('exit', () => {
    hasExited = true;
    for (const check of [...waiters]) check();
  });

  return {
    output: () => output,
    waitFor: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern}; last output: ${JSON.stringify(output.slice(-300))}`)), timeoutMs);
        const check = () => {
          if (pattern.test(output)) finish(undefined, performance.now() - startedAt);
          else if (hasExited) finish(new Error(`The program exited before printing ${pattern}: ${JSON.stringify(output.slice(-300))}`));
        };
        const finish = (error: Error | undefined, ms = 0) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(ms);
        };
        waiters.add(check);
        check();
      }),
    type: (text) => {
      child.stdin!.write(text);
    },
    residentBytes: () => statusBytes('VmRSS'),
    peakResidentBytes: () => statusBytes('VmHWM'),
    waitForExit: (timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        if (hasExited) return resolve();
        const timer = setTimeout(() => reject(new Error(`The program did not exit within ${timeoutMs} ms.`)), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    kill,
  };
}

/**
 * Types `text`, waits until the program shows it, then Enter as a separate key
 * press, as a person would: on a busy machine an Enter sent on a timer can
 * come before the program has taken the text in, and the line is never sent.
 */
export async function typeLine(pty: PtyProcess, text: string): Promise<void> {
  pty.type(text);
  await pty.waitFor(new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await sleep(50);
  pty.type('\r');
}
