import { createHash } from 'node:crypto';

/** What shoal last saw of one file: after read_file showed it, or after shoal wrote it. */
export interface FileSnapshot {
  size: number;
  mtimeMs: number;
  /** sha1 (hex) of the whole file; absent when only a line range of a huge file was read. */
  hash?: string;
}

/** A file as it is on disk now, to compare with what shoal last saw. */
export interface FileState {
  bytes: Uint8Array;
  size: number;
  mtimeMs: number;
}

/**
 * What the tools of one workspace session have seen of each file, keyed by
 * real absolute path, so a write never lands on a version nobody looked at.
 * One per session, shared by read_file (main and research agents) and the write tools.
 */
export interface FileTracker {
  /** Records what shoal just saw of the file at `absolute`, replacing what it saw before. */
  record(absolute: string, snapshot: FileSnapshot): void;
  /** What shoal last saw of the file, or undefined when it has not read or written it this session. */
  lastSeen(absolute: string): FileSnapshot | undefined;
  /**
   * True when shoal saw the file before and it differs now: by content when
   * the whole file was seen (a mere `touch` is no change), else by size or mtime.
   */
  hasChanged(absolute: string, current: FileState): boolean;
}

/** A new, empty tracker; create one per workspace session and hand it to every tool factory. */
export function createFileTracker(): FileTracker {
  const seen = new Map<string, FileSnapshot>();
  return {
    record(absolute, snapshot) {
      seen.set(absolute, snapshot);
    },
    lastSeen(absolute) {
      return seen.get(absolute);
    },
    hasChanged(absolute, current) {
      const before = seen.get(absolute);
      return before !== undefined && !matchesSnapshot(before, current);
    },
  };
}

/**
 * True when `current` is the file `snapshot` describes: by content when the
 * snapshot has a hash (a mere `touch` is no change), else by size and mtime.
 */
export function matchesSnapshot(snapshot: FileSnapshot, current: FileState): boolean {
  if (snapshot.hash !== undefined) return hashBytes(current.bytes) === snapshot.hash;
  return snapshot.size === current.size && snapshot.mtimeMs === current.mtimeMs;
}

/** The sha1 of `bytes` as hex: cheap next to reading them, and only compared for equality. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** A snapshot of a whole file from its bytes and its mtime. */
export function snapshotOf(bytes: Uint8Array, mtimeMs: number): FileSnapshot {
  return { size: bytes.byteLength, mtimeMs, hash: hashBytes(bytes) };
}

/** Why a write was refused because the file changed since shoal last saw it. */
export function staleFileMessage(shownPath: string): string {
  return (
    `${shownPath} changed on disk since you last read it (the user or a command may have edited it), ` +
    'so nothing was written. Read it again with read_file and make the change on its current contents.'
  );
}
