import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { resolveInWorkspace } from './paths';

/** What reading one of shoal's own files from the workspace (AGENTS.md, .gitignore, .shoal/config.json) found. */
export type OwnFileRead =
  | { status: 'missing' }
  | { status: 'read'; text: string; bytes: Buffer; isCut: boolean }
  /** The file is there but is not read; `reason` says why in a few words, e.g. "a FIFO, not a regular file". */
  | { status: 'refused'; reason: string };

/**
 * Reads a file that the repository controls but shoal itself consumes, with
 * the same confinement as every tool: the path must stay inside the workspace
 * (no symlink out of it, anywhere in the path), only a regular file is read
 * (a FIFO or device is refused without blocking on it), and at most
 * `maxBytes` are read, whatever the file's size.
 * Contract: never rejects.
 */
export async function readOwnFile(root: string, relativePath: string, options: { maxBytes: number }): Promise<OwnFileRead> {
  let absolute: string;
  try {
    absolute = await resolveInWorkspace(root, relativePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    const isOutside = (error as Error).message.includes('outside the workspace');
    return { status: 'refused', reason: isOutside ? 'it points outside the workspace' : 'it is a symlink to nothing' };
  }
  // Synchronous on purpose: one bounded read of a small file, and one implementation for both callers.
  return readRegularFileSync(absolute, options);
}

/**
 * `readOwnFile` for a path shoal chose itself outside any workspace (its
 * sessions directory): no confinement, the same refusals, synchronous.
 * Contract: never throws.
 */
export function readRegularFileSync(absolute: string, options: { maxBytes: number }): OwnFileRead {
  let fd: number;
  try {
    fd = openSync(absolute, READ_FLAGS);
  } catch (error) {
    return openFailure(error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return notRegular(stats);
    const buffer = Buffer.alloc(Math.min(stats.size, options.maxBytes));
    let filled = 0;
    while (filled < buffer.length) {
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const bytes = buffer.subarray(0, filled);
    return { status: 'read', text: bytes.toString('utf8'), bytes, isCut: stats.size > options.maxBytes };
  } catch (error) {
    return { status: 'refused', reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})` };
  } finally {
    closeSync(fd);
  }
}

// O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: a symlink swapped in after the check is not followed.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function openFailure(error: unknown): OwnFileRead {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { status: 'missing' };
  return { status: 'refused', reason: code === 'ELOOP' ? 'it became a symlink' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `it cannot be opened (${code ?? 'unknown error'})` };
}

function notRegular(stats: Stats): OwnFileRead {
  return { status: 'refused', reason: `${describeKind(stats)}, not a regular file` };
}

function describeKind(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'a special file';
}
