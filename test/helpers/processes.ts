import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** True while `pid` runs; a zombie (dead, not yet reaped by a non-reaping init) counts as gone. */
export function isAlive(pid: number): boolean {
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

/** The text of `file` once a command has written a whole line to it. */
export async function readLine(file: string): Promise<string> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return text.trim();
    await delay(10);
  }
  throw new Error(`nothing written to ${file}`);
}

/**
 * Live processes whose environment carries the SHOAL_COMMAND_ID a command
 * wrote to `file` (`echo $SHOAL_COMMAND_ID > file`): found from outside, the
 * sandbox's PID namespace included, whatever pids the command saw. With
 * `settleMs`, waits that long for the list to empty: the kernel tears a
 * killed PID namespace down a moment after bwrap itself has exited.
 */
export async function markedAlive(file: string, settleMs = 0): Promise<number[]> {
  const needle = Buffer.from(`SHOAL_COMMAND_ID=${await readLine(file)}\0`);
  for (const deadline = Date.now() + settleMs; ; await delay(20)) {
    const pids = markedPids(needle);
    if (pids.length === 0 || Date.now() >= deadline) return pids;
  }
}

function markedPids(needle: Buffer): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/environ`).includes(needle) && isAlive(Number(entry));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A command that records its marker, then leaves an escaped (`setsid`) and an ordinary `sleep 300` running and waits. */
export const ESCAPING_SLEEPS = 'echo $SHOAL_COMMAND_ID > marker; setsid sleep 300 & sleep 300 & wait';
