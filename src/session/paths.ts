import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { shoalDir, type ConfigPathOptions } from '../config/paths';

/** What decides where sessions live; pure, so every platform can be tested from any machine. */
export type SessionsDirOptions = ConfigPathOptions;

/** The directory holding one JSONL file per session: `sessions` in shoal's state folder (see `shoalDir`). */
export function sessionsDir(options: SessionsDirOptions): string {
  return (options.platform === 'win32' ? path.win32 : path.posix).join(shoalDir('state', options), 'sessions');
}

/** `sessionsDir` for this process: its environment, platform and home directory. */
export function defaultSessionsDir(): string {
  return sessionsDir({ env: process.env, platform: process.platform, homedir: os.homedir() });
}

/**
 * A new session id such as `2026-11-24T17-30-05-123Z-ab12cd`: the creation time
 * first so ids (and file names) sort by age, then random hex so two shoals
 * started in the same millisecond still differ.
 */
export function newSessionId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
}

const SESSION_FILE_SUFFIX = '.jsonl';
// Ids become file names: nothing that could climb out of the directory or hide a suffix.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The file of session `id`, or undefined when `id` could not be one of ours (e.g. `../x`). */
export function sessionFilePath(dir: string, id: string): string | undefined {
  return SAFE_ID.test(id) ? path.join(dir, `${id}${SESSION_FILE_SUFFIX}`) : undefined;
}

/** The lock file of session `id`: it holds the pid of the shoal writing to that session (see `acquireSessionLock`). */
export function sessionLockPath(dir: string, id: string): string | undefined {
  return SAFE_ID.test(id) ? path.join(dir, `${id}.lock`) : undefined;
}

/** The error for a session another running shoal is writing to. */
export function sessionInUseError(id: string, pid: number): Error {
  const owner = pid > 0 ? ` (pid ${pid})` : '';
  return new Error(`Session ${id} is open in another shoal${owner}; close that one first, or start without --resume for a new session.`);
}

/** The session id a file name stands for, or undefined for files that are not sessions. */
export function sessionIdOfFile(fileName: string): string | undefined {
  if (!fileName.endsWith(SESSION_FILE_SUFFIX)) return undefined;
  const id = fileName.slice(0, -SESSION_FILE_SUFFIX.length);
  return SAFE_ID.test(id) ? id : undefined;
}

/** The error for an id with no session file, telling the user where the ids are. */
export function unknownSessionError(id: string, dir: string): Error {
  return new Error(`No saved session "${id}" in ${dir}. Run /sessions (or shoal --resume without an id) to see the saved sessions and their ids.`);
}
