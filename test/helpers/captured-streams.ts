import { PassThrough } from 'node:stream';

/** Two writable streams for a headless run, and everything written to each so far. */
export function captureStreams() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const written = { out: '', err: '' };
  stdout.on('data', (chunk) => (written.out += chunk));
  stderr.on('data', (chunk) => (written.err += chunk));
  return { stdout, stderr, written };
}
