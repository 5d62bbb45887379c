import { closeSync, existsSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { SESSION_FORMAT_VERSION, type SessionEvent, type SessionHeader } from './entries';
import { acquireSessionLock } from './lock';
import { newSessionId, sessionFilePath, sessionInUseError, sessionLockPath, unknownSessionError } from './paths';

/** Appends a session's entries to its file, one durable line each. */
export interface SessionWriter {
  readonly id: string;
  /** The session's JSONL file. */
  readonly path: string;
  /** Writes one entry as a line, stamped with `time`, and syncs it to disk before returning. */
  append(event: SessionEvent): void;
  /** Lets another shoal open the session (releases its lock); appends after it are still written. */
  close(): void;
}

/** What both ways of getting a writer share. */
export interface SessionWriterOptions {
  /** The sessions directory, usually `defaultSessionsDir()`. */
  dir: string;
  /** The clock for ids and `time` stamps; tests pass a fixed one. */
  now?: () => Date;
  /**
   * Contract: called with the error when an append fails (disk full, directory
   * removed); that entry is lost and later appends are still tried. Without it,
   * `append` throws instead.
   */
  onError?: (error: Error) => void;
}

const MAX_ID_ATTEMPTS = 5;

/**
 * Starts a new session file in `dir` (created if missing, private to the user)
 * and writes its header. Throws when the file cannot be created, so the caller
 * can say so and carry on without saving.
 */
export function createSessionWriter(options: SessionWriterOptions & { cwd: string; model: string; id?: string }): SessionWriter {
  const now = options.now ?? (() => new Date());
  // Sessions hold code and command output: only the user may read them.
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  for (let attempt = 1; ; attempt += 1) {
    const createdAt = now();
    // The id the session was already known by (hooks were told it), unless another file took it.
    const id = attempt === 1 && options.id ? options.id : newSessionId(createdAt);
    const path = sessionFilePath(options.dir, id)!;
    const header: SessionHeader = {
      type: 'session',
      version: SESSION_FORMAT_VERSION,
      id,
      cwd: options.cwd,
      model: options.model,
      createdAt: createdAt.toISOString(),
      time: createdAt.toISOString(),
    };
    try {
      create(path, `${JSON.stringify(header)}\n`);
      // A fresh id: nobody else can hold its lock, but a --continue elsewhere must see it taken.
      const lock = acquireSessionLock(sessionLockPath(options.dir, id)!);
      return makeWriter({ id, path, now, onError: options.onError, release: lock.isAcquired ? lock.release : () => {} });
    } catch (error) {
      if (!isAlreadyExists(error) || attempt >= MAX_ID_ATTEMPTS) throw error;
    }
  }
}

/**
 * Reopens session `id` to append to it (resume). If a crash cut its last line,
 * that line is ended first so it stays one skippable line and the new entries
 * parse. Throws a "run /sessions" error for an unknown id.
 */
export function openSessionWriter(options: SessionWriterOptions & { id: string }): SessionWriter {
  const path = sessionFilePath(options.dir, options.id);
  if (!path || !existsSync(path)) throw unknownSessionError(options.id, options.dir);
  // Two shoals appending to one file would interleave two conversations.
  const lock = acquireSessionLock(sessionLockPath(options.dir, options.id)!);
  if (!lock.isAcquired) throw sessionInUseError(options.id, lock.pid);
  // Appending a newline never changes a complete line; it only closes a cut one.
  if (!endsWithNewline(path)) append(path, '\n', { isSynced: true });
  return makeWriter({ id: options.id, path, now: options.now ?? (() => new Date()), onError: options.onError, release: lock.release });
}

interface WriterParts {
  id: string;
  path: string;
  now: () => Date;
  onError?: (error: Error) => void;
  release: () => void;
}

function makeWriter({ id, path, now, onError, release }: WriterParts): SessionWriter {
  return {
    id,
    path,
    close: release,
    append(event) {
      // `type` first and `time` last: lines read well by eye, and listing skims `messages` lines by that shape.
      const { type, ...fields } = event;
      const line = lineBytes(JSON.stringify({ type, ...fields, time: now().toISOString() }));
      try {
        // What reaches the kernel survives a killed shoal; a turn's end is also synced, against a power cut.
        append(path, line, { isSynced: type === 'turn-end' });
      } catch (error) {
        if (!onError) throw error;
        onError(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/**
 * Appends `text`, synced to disk when `isSynced`; opening per entry costs
 * little next to a model step and leaves no descriptor to leak.
 */
function append(path: string, text: string | Buffer, options: { isSynced: boolean }): void {
  write(openSync(path, 'a', 0o600), text, options);
}

/**
 * `json` and a newline as UTF-8, encoded straight into one buffer: `json + "\n"`
 * would be a third copy of a line that can hold a 4 MB write_file's content.
 */
function lineBytes(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const bytes = Buffer.allocUnsafe(length + 1);
  bytes.write(json, 0, length, 'utf8');
  bytes[length] = 0x0a;
  return bytes;
}

/** Creates `path` with `text`, failing with EEXIST if it already exists, so two shoals never share a file. */
function create(path: string, text: string): void {
  write(openSync(path, 'wx', 0o600), text, { isSynced: false });
}

function write(fd: number, text: string | Buffer, options: { isSynced: boolean }): void {
  try {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    // A killed process keeps what reached the kernel; a sync (milliseconds a time) is for a power cut.
    if (options.isSynced) fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function endsWithNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

function isAlreadyExists(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EEXIST';
}
