// Loaded by grep's worker threads too (Node strips the types): keep to node: imports.
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';

/**
 * How every read of a workspace file opens it: O_NONBLOCK so a FIFO never
 * waits for a writer, O_NOFOLLOW so a symlink swapped in after the path was
 * checked is refused (ELOOP) rather than followed.
 */
export const SAFE_OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** A file opened with `openRegularFile`: a regular file and its handle, or what else it turned out to be. */
export type OpenedFile = { isRegular: true; handle: FileHandle; stats: Stats } | { isRegular: false; kind: string };

/**
 * Opens `absolute` (a path already resolved inside the workspace) with
 * SAFE_OPEN_FLAGS and judges the handle, not the path, so what is read is
 * what was checked. A FIFO, socket, device or directory comes back as
 * `{ isRegular: false, kind }`, already closed. Open errors (ENOENT, ELOOP, EACCES) are thrown as they are.
 */
export async function openRegularFile(absolute: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, SAFE_OPEN_FLAGS);
  } catch (error) {
    // A socket cannot be opened at all (ENXIO); say what it is rather than how opening failed.
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    const stats = await lstat(absolute).catch(() => undefined);
    if (stats === undefined || stats.isFile()) throw error;
    return { isRegular: false, kind: describeKind(stats) };
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return { isRegular: true, handle, stats };
    await handle.close();
    return { isRegular: false, kind: describeKind(stats) };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/** Reads at most `maxBytes` from the start of an open file: a file that grew since its stat is still cut there. */
export async function readHead(handle: FileHandle, maxBytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(maxBytes);
  let filled = 0;
  while (filled < maxBytes) {
    const { bytesRead } = await handle.read(buffer, filled, maxBytes - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** What a non-regular file is, in a few words for messages: "a FIFO", "a device". */
export function describeKind(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symlink';
  return 'a special file';
}

/**
 * The bytes of the regular file at `absolute`, or undefined when there is
 * none. Throws for a FIFO, socket, device or directory (without waiting on
 * it), and for a file over `maxBytes`, which is never read.
 */
export async function readRegularFile(absolute: string, maxBytes: number): Promise<Buffer | undefined> {
  let opened: OpenedFile;
  try {
    opened = await openRegularFile(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!opened.isRegular) throw new Error(`it is ${opened.kind}, not a regular file`);
  try {
    if (opened.stats.size > maxBytes) throw new Error(`it is over ${Math.round(maxBytes / 1024 / 1024)} MiB`);
    return await readHead(opened.handle, opened.stats.size);
  } finally {
    await opened.handle.close();
  }
}

