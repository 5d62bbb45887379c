import { Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry';
import type { PageMarkdown } from './html-to-markdown';

/** How long one page's conversion may take before it is given up. */
const CONVERT_TIME_LIMIT_MS = 15_000;

/**
 * Converts an HTML page to markdown (see `htmlToMarkdown`) on a thread of its
 * own, which ends with the page: a big page costs seconds of CPU, and on
 * shoal's own thread that would freeze the TUI past Esc and every timeout.
 * Rejects when `signal` aborts or the conversion outlasts its time limit.
 */
export function convertHtml(options: { html: string; url: string; signal: AbortSignal }): Promise<PageMarkdown> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const entry = workerEntry({ source: './convert-worker.ts', bundled: 'web-worker.js', from: import.meta.url, missing: "shoal's page converter is missing: reinstall shoal" });
  const worker = new Worker(entry, { workerData: { html: options.html, url: options.url } });
  return new Promise<PageMarkdown>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      settle();
    };
    const onAbort = () => finish(() => reject(signal.reason));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`Converting ${options.url} to text took over ${CONVERT_TIME_LIMIT_MS / 1000} s; the page is too large. Try a more specific page.`))),
      CONVERT_TIME_LIMIT_MS,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (page: PageMarkdown) => finish(() => resolve(page)));
    worker.once('error', (error) => finish(() => reject(new Error(`Converting ${options.url} to text failed: ${error.message}`))));
    worker.once('exit', () => finish(() => reject(new Error(`Converting ${options.url} to text stopped unexpectedly.`))));
  });
}
