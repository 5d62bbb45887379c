// Loaded by grep's worker threads too (Node strips the types): relative imports carry their .ts extension.
import { closeSync, openSync, readSync } from 'node:fs';
import { SAFE_OPEN_FLAGS } from './regular-file.ts';

/** How much of a file's start is inspected, as git and ripgrep do. */
export const BINARY_SNIFF_BYTES = 8192;

/** True when `buffer` looks binary: a NUL byte within its first 8 KiB. */
export function isBinary(buffer: Uint8Array): boolean {
  return buffer.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** Reads only the start of the file at `absolutePath` and tells whether it looks binary; for threads that read synchronously (grep's workers). */
export function isBinaryFileSync(absolutePath: string): boolean {
  const fd = openSync(absolutePath, SAFE_OPEN_FLAGS);
  try {
    const head = Buffer.alloc(BINARY_SNIFF_BYTES);
    return isBinary(head.subarray(0, readSync(fd, head, 0, BINARY_SNIFF_BYTES, 0)));
  } finally {
    closeSync(fd);
  }
}
