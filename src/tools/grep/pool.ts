import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry';
import type { SearchJob, SearchJobResult } from './search';
import type { WorkerRequest, WorkerResponse } from './worker';

/** More threads than this gain little: reads and matching share the disk cache and memory bandwidth. */
const MAX_WORKERS = 4;
/** Idle workers are stopped after this long, giving their memory back. */
const IDLE_MS = 30_000;
/** How long past its deadline a job may run (one line stuck in a backtracking regex) before its worker is stopped. */
const OVERRUN_MS = 1_000;

/** Worker threads that run grep's search jobs, off the thread that draws the TUI. */
export interface SearchPool {
  /** How many jobs run at once. */
  readonly size: number;
  /** Worker threads running now, busy or idle. */
  readonly liveCount: number;
  /**
   * Runs `job` on a free worker, starting one if needed.
   * Contract: on abort, rejects with the signal's reason and stops the worker
   * if it holds the job; a job still running OVERRUN_MS past its deadline has
   * its worker stopped and resolves as timed out with nothing found.
   */
  run(job: SearchJob, signal: AbortSignal): Promise<SearchJobResult>;
  /** Stops every worker. */
  close(): Promise<void>;
}

let sharedPool: SearchPool | undefined;

/** The process's one pool, one worker per core up to MAX_WORKERS, started on first use. */
export function getSearchPool(): SearchPool {
  sharedPool ??= createSearchPool({ size: Math.min(MAX_WORKERS, availableParallelism()) });
  return sharedPool;
}

/** A pool of `size` workers; idle ones never keep the process alive. */
export function createSearchPool(options: { size: number; idleMs?: number }): SearchPool {
  const live = new Set<Worker>();
  const idle: Worker[] = [];
  const waiting: ((worker: Worker) => void)[] = [];
  let nextId = 0;
  let idleTimer: NodeJS.Timeout | undefined;

  const forget = (worker: Worker) => {
    live.delete(worker);
    if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
  };

  const start = (): Worker => {
    const worker = new Worker(searchWorkerEntry());
    live.add(worker);
    worker.on('exit', () => forget(worker));
    // A failure mid-job is reported by execute(); an idle worker that fails simply exits.
    worker.on('error', () => {});
    return worker;
  };

  const terminate = (worker: Worker) => {
    forget(worker);
    void worker.terminate();
  };

  // Once every live worker is idle, they all stop after a while unless work comes.
  const armIdleTimer = () => {
    if (idle.length === 0 || idle.length !== live.size) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.slice().forEach(terminate), options.idleMs ?? IDLE_MS).unref();
  };

  /** Stops a worker that failed or holds a job no one waits for. */
  const stop = (worker: Worker) => {
    terminate(worker);
    armIdleTimer();
  };

  const release = (worker: Worker) => {
    const next = waiting.shift();
    if (next) return next(worker);
    worker.unref();
    idle.push(worker);
    armIdleTimer();
  };

  const acquire = (signal: AbortSignal): Promise<Worker> => {
    clearTimeout(idleTimer);
    const ready = idle.pop() ?? (live.size < options.size ? start() : undefined);
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(signal.reason);
      };
      const take = (worker: Worker) => {
        signal.removeEventListener('abort', onAbort);
        resolve(worker);
      };
      waiting.push(take);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };

  const execute = (worker: Worker, job: SearchJob, signal: AbortSignal): Promise<SearchJobResult> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const settle = (isWorkerUsable: boolean, done: () => void) => {
        clearTimeout(overrun);
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onFailure);
        worker.off('exit', onExit);
        if (isWorkerUsable) release(worker);
        else stop(worker);
        done();
      };
      const onMessage = (response: WorkerResponse) => {
        if (response.id !== id) return;
        if ('error' in response) settle(true, () => reject(new Error(response.error)));
        else settle(true, () => resolve(response.result));
      };
      const onFailure = (error: Error) =>
        settle(false, () => reject(new Error(`The search thread failed: ${error.message}`)));
      const onExit = (code: number) => onFailure(new Error(`it exited with code ${code}`));
      const onAbort = () => settle(false, () => reject(signal.reason));
      const timedOut: SearchJobResult = { lines: [], matchCount: 0, isTimedOut: true, skippedLargeFiles: [], unreadableFiles: [] };
      const overrun = setTimeout(
        () => settle(false, () => resolve(timedOut)),
        Math.max(0, job.deadline - Date.now()) + OVERRUN_MS,
      );
      worker.on('message', onMessage);
      worker.on('error', onFailure);
      worker.on('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      // A busy worker keeps the process alive until its answer is in.
      worker.ref();
      worker.postMessage({ id, job } satisfies WorkerRequest);
    });

  return {
    size: options.size,
    get liveCount() {
      return live.size;
    },
    async run(job, signal) {
      signal.throwIfAborted();
      const worker = await acquire(signal);
      if (signal.aborted) {
        release(worker);
        throw signal.reason;
      }
      return execute(worker, job, signal);
    },
    async close() {
      clearTimeout(idleTimer);
      const workers = [...live];
      workers.forEach(forget);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/** The search thread's entry: the TypeScript source in tests, grep-worker.js in a bundle. */
function searchWorkerEntry(): URL {
  return workerEntry({
    source: './worker.ts',
    bundled: 'grep-worker.js',
    from: import.meta.url,
    missing: "shoal's search thread is missing: reinstall shoal, or install ripgrep (rg), which grep uses when it is on PATH",
  });
}
