/**
 * Session persistence: every conversation is saved as it happens, one JSONL
 * file per session, so it can be listed and resumed after an exit, a crash or
 * a kill.
 *
 * A file holds one JSON object per line, each with an ISO `time`:
 * `session` (the header: version, id, cwd, model, createdAt), then, as they
 * happen, `prompt` (the user's text), `messages` (one `history-append` of the
 * main agent), `approval` (an answer to an approval request) and `turn-end`.
 * Lines are only ever appended; readers repair what a crash left in memory
 * and never rewrite a file.
 *
 * Wiring, in short: on the first prompt `createSessionWriter`, then `append`
 * a `prompt` per submit, a `messages` per main-agent `history-append`, an
 * `approval` per answer and a `turn-end` per `run-end`. To resume,
 * `loadSession` gives the history and `openSessionWriter` keeps appending.
 * A session is written by one shoal at a time: its `<id>.lock` holds the
 * writer's pid, and a lock whose process died is taken over.
 */
export { SESSION_FORMAT_VERSION, type SessionEntry, type SessionEvent, type SessionHeader } from './entries';
export { defaultSessionsDir, sessionsDir, type SessionsDirOptions } from './paths';
export {
  FIRST_PROMPT_LENGTH,
  latestSession,
  listSessions,
  loadSession,
  type LoadedSession,
  type SessionSummary,
} from './reader';
export { acquireSessionLock, releaseSessionLock, type SessionLock } from './lock';
export { sessionInUseError, sessionLockPath } from './paths';
export { UNFINISHED_CALL_MESSAGE, repairToolPairing } from './repair';
export {
  createSessionWriter,
  openSessionWriter,
  type SessionWriter,
  type SessionWriterOptions,
} from './writer';
