/** The last task queued per key; removed when the chain runs dry, so finished stores leave nothing behind. */
const chains = new Map<string, Promise<void>>();

/**
 * Runs `task` after every task queued before it under `key`, one at a time.
 * Module-wide rather than per store, so two stores of the same session and
 * workspace in one process (a restart in tests, a second view) never run
 * git on one index at once.
 */
export function runInTurn<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const settled = run.then(
    () => {},
    () => {},
  );
  chains.set(key, settled);
  void settled.then(() => {
    if (chains.get(key) === settled) chains.delete(key);
  });
  return run;
}
