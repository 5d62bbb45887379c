/** Cleanups (kill a child process, remove a directory) owed if the measurement is killed midway. */
const pending = new Set<() => void>();

/**
 * Registers a synchronous cleanup to run if this process is interrupted or
 * times out; returns a function that runs it now and unregisters it.
 */
export function onCleanup(cleanup: () => void): () => void {
  pending.add(cleanup);
  return () => {
    if (!pending.delete(cleanup)) return;
    cleanup();
  };
}

/** Runs every cleanup still owed; for signal handlers and the end of a measurement. */
export function runCleanups(): void {
  for (const cleanup of [...pending]) {
    pending.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: the others still run.
    }
  }
}
