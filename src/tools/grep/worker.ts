// The entry of a grep worker thread: searches the runs of files the pool hands it.
import { parentPort } from 'node:worker_threads';
import { runSearchJob, type SearchJob } from './search.ts';

/** A job as the pool posts it. */
export interface WorkerRequest {
  id: number;
  job: SearchJob;
}

/** The answer to one request: what the job found, or why it failed. */
export type WorkerResponse =
  | { id: number; result: ReturnType<typeof runSearchJob> }
  | { id: number; error: string };

parentPort?.on('message', ({ id, job }: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    response = { id, result: runSearchJob(job) };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
