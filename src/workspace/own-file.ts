import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolveInWorkspace } from './paths';
import { describeKind, openRegularFile, readHead, SAFE_OPEN_FLAGS } from './regular-file';

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
  let opened;
  try {
    opened = await openRegularFile(absolute);
  } catch (error) {
    return openFailure(error);
  }
  if (!opened.isRegular) return { status: 'refused', reason: `${opened.kind}, not a regular file` };
  const { handle, stats } = opened;
  try {
    const bytes = await readHead(handle, Math.min(stats.size, options.maxBytes));
    return { status: 'read', text: bytes.toString('utf8'), bytes, isCut: stats.size > options.maxBytes };
  } catch (error) {
    return { status: 'refused', reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})` };
  } finally {
    await handle.close();
  }
}

/**
 * `readOwnFile` for a path shoal chose itself outside any workspace (its
 * sessions directory): no confinement, the same refusals, synchronous.
 * Contract: never throws.
 */
export function readRegularFileSync(absolute: string, options: { maxBytes: number }): OwnFileRead {
  let fd: number;
  try {
    fd = openSync(absolute, SAFE_OPEN_FLAGS);
  } catch (error) {
    return openFailure(error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { status: 'refused', reason: `${describeKind(stats)}, not a regular file` };
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

function openFailure(error: unknown): OwnFileRead {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { status: 'missing' };
  if (code === 'ELOOP') return { status: 'refused', reason: 'it became a symlink' };
  if (code === 'EACCES' || code === 'EPERM') return { status: 'refused', reason: 'permission denied' };
  if (code === 'ENXIO') return { status: 'refused', reason: 'a socket, not a regular file' };
  return { status: 'refused', reason: `it cannot be opened (${code ?? 'unknown error'})` };
}
