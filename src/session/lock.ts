import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { isProcessAlive } from '../workspace/process-alive';

/** What trying to lock a session found: the lock is ours now, or another live process holds it. */
export type SessionLock = { isAcquired: true; release: () => void } | { isAcquired: false; pid: number };

/** Locks this process holds, removed when it exits; a killed process leaves its lock to be taken over. */
const held = new Set<string>();
let isExitHookSet = false;

/** A lock file whose writer has not put its pid in yet is trusted this long before it counts as stale. */
const EMPTY_LOCK_GRACE_MS = 5000;

/**
 * Locks the session whose lock file is `lockPath` for this process: an
 * exclusive file holding our pid. A lock whose pid is no longer alive (a
 * crash, kill -9) is taken over. Taking a lock this process holds succeeds.
 */
export function acquireSessionLock(lockPath: string): SessionLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return holding(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(lockPath);
    if (owner === process.pid) return holding(lockPath);
    if (owner !== undefined && isProcessAlive(owner)) return { isAcquired: false, pid: owner };
    if (owner === undefined && isFresh(lockPath)) return { isAcquired: false, pid: 0 };
    // Stale: remove it only if it still names the dead owner, then race for it like anyone else.
    if (readOwner(lockPath) === owner) removeQuietly(lockPath);
  }
  const owner = readOwner(lockPath);
  return { isAcquired: false, pid: owner ?? 0 };
}

function holding(lockPath: string): SessionLock {
  held.add(lockPath);
  if (!isExitHookSet) {
    isExitHookSet = true;
    process.once('exit', () => {
      for (const path of held) removeQuietly(path);
    });
  }
  return { isAcquired: true, release: () => releaseSessionLock(lockPath) };
}

/** Removes a lock this process holds (a no-op for any other), so another shoal may open the session. */
export function releaseSessionLock(lockPath: string): void {
  if (held.delete(lockPath)) removeQuietly(lockPath);
}

function readOwner(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isFresh(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs < EMPTY_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}
