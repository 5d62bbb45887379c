import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** How much of a file's start is inspected, as git and ripgrep do. */
export const BINARY_SNIFF_BYTES = 8192;

/** True when `buffer` looks binary: a NUL byte within its first 8 KiB. */
export function isBinary(buffer: Uint8Array): boolean {
  return buffer.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** Reads only the start of the file at `absolutePath` and tells whether it looks binary. */
export async function isBinaryFile(absolutePath: string): Promise<boolean> {
  const handle = await open(absolutePath, 'r');
  try {
    const head = Buffer.alloc(BINARY_SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, BINARY_SNIFF_BYTES, 0);
    return isBinary(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** `isBinaryFile` for threads that read synchronously (grep's workers). */
export function isBinaryFileSync(absolutePath: string): boolean {
  const fd = openSync(absolutePath, 'r');
  try {
    const head = Buffer.alloc(BINARY_SNIFF_BYTES);
    return isBinary(head.subarray(0, readSync(fd, head, 0, BINARY_SNIFF_BYTES, 0)));
  } finally {
    closeSync(fd);
  }
}
