/**
 * Checkpoints: the workspace recorded before each turn, so it can be put back.
 *
 * A checkpoint is a commit in a shadow git repository kept in shoal's state
 * folder (`<state>/checkpoints/<name>-<hash>/`), one per workspace, with one
 * index per session and one ref per checkpoint (`refs/shoal/<session>/<n>`),
 * so checkpoints outlive the process and `--continue` finds them. The user's
 * own `.git` is never read or written by git: its index, stash, hooks and
 * history stay as they are. What git would ignore in the user's repository is
 * left out (the workspace's .gitignore files, its repository's
 * `.git/info/exclude`, the .gitignore files above a workspace in a
 * repository's subfolder, and the user's global ignore file), and so are files
 * over 10 MiB and nested repositories; the rest is hashed once (on every core,
 * the first time) and after that only when it changes.
 *
 * Wiring, in short: `createCheckpointStore({ workspace, stateDir, sessionId })`
 * at start-up (no I/O); `availability()` once, and when false say its reason
 * and keep to the write journal's /undo; before each model request
 * `void store.take(label)` (not awaited: the next call waits for it) and say
 * `describeSkipped(checkpoint.skipped)` once; `list()` for a picker,
 * `changedSince(checkpoint)` for a preview, `restore(checkpoint)` to go back.
 * Nothing here throws: every result is `{ ok: true, ... }` or `{ ok: false, error }`.
 */
export { describeSkipped } from './describe';
export { MIN_GIT_VERSION } from './git';
export { checkpointsDir } from './shadow-repository';
export { createCheckpointStore, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_NEW_FILES, type CheckpointStoreOptions } from './store';
export type {
  Checkpoint,
  CheckpointAvailability,
  CheckpointStore,
  FileChanges,
  Outcome,
  RestoreReport,
  SkippedFile,
  SkipReason,
} from './types';
