/** Why a file of the workspace is not in a checkpoint. */
export type SkipReason = 'too-large' | 'nested-repository' | 'unreadable';

/** What a call came to: its value, or one line saying why it could not be done. Nothing in this module throws. */
export type Outcome<T> = ({ ok: true } & T) | { ok: false; error: string };

/** A file of the workspace a checkpoint does not hold, and why. */
export interface SkippedFile {
  /** Workspace-relative, `/`-separated; a nested repository is its folder. */
  path: string;
  /** `too-large`: over the size cap; `nested-repository`: a folder with its own `.git`; `unreadable`: shoal may not read it. */
  reason: SkipReason;
  /** The file's size, for `too-large`. */
  bytes?: number;
}

/** The workspace as it was when `take` ran: a commit in the shadow repository, kept under a ref of the session. */
export interface Checkpoint {
  /** The commit id: what `restore` and `changedSince` take. */
  id: string;
  sessionId: string;
  /** 1 for the session's first checkpoint, then 2, 3, ...; the ref is `refs/shoal/<session>/<number>`. */
  number: number;
  label: string;
  /** When the workspace was read. */
  time: Date;
  /** What it does not hold (big files, nested repositories), to say in one line; see `describeSkipped`. */
  skipped: SkippedFile[];
}

/** Workspace-relative paths that differ between a checkpoint and the workspace now, each list sorted. */
export interface FileChanges {
  /** In the workspace, not in the checkpoint. */
  added: string[];
  /** In the checkpoint, gone from the workspace. */
  deleted: string[];
  /** In both, with other contents, mode or type (a file that became a symlink). */
  modified: string[];
  /** Over the size cap both then and now: there, but never compared. */
  unchecked: string[];
}

/** What `restore` did, by workspace-relative path. */
export interface RestoreReport {
  /** The checkpoint taken of the workspace just before restoring: restore it to undo the restore. */
  backup: Checkpoint;
  /** Files written back: changed since the checkpoint, or deleted since and recreated. */
  restored: string[];
  /** Files the checkpoint did not have, deleted. */
  removed: string[];
  /** Files the checkpoint did not have because they were too large (or unreadable) then: left as they are. */
  kept: string[];
  /** Files that could not be put back, each with the reason, e.g. a folder of ignored files in the way. */
  failed: { path: string; reason: string }[];
}

/** Whether checkpoints can be used here, and if not, one line saying why (for the caller to say once). */
export type CheckpointAvailability = { isAvailable: true } | { isAvailable: false; reason: string };

/**
 * Checkpoints of one workspace for one session: before each turn the caller
 * takes one, and can later see what changed since or put the workspace back.
 * Every method waits for the ones called before it (a take in flight is
 * awaited by the next take, restore or comparison), so a caller may start a
 * take without awaiting it and go on sending the model request.
 * Contract: no method rejects; failures come back as `{ ok: false, error }`.
 */
export interface CheckpointStore {
  /** Where the store keeps the shadow repository of this workspace. */
  readonly gitDir: string;
  /**
   * Whether git is there (and new enough) and the store could be set up; the
   * first call checks, later calls share its answer. When false, fall back
   * to the write journal's /undo and say `reason` once.
   */
  availability(): Promise<CheckpointAvailability>;
  /**
   * Records the workspace as it is now, `.gitignore`d files, files over the
   * size cap and nested repositories left out. Cheap when little changed: only
   * files whose size or time changed are read.
   */
  take(label: string): Promise<Outcome<{ checkpoint: Checkpoint }>>;
  /** This session's checkpoints, oldest first, from the refs: they outlive the process. */
  list(): Promise<Outcome<{ checkpoints: Checkpoint[] }>>;
  /** What changed in the workspace since `checkpoint` (a Checkpoint or its id). */
  changedSince(checkpoint: Checkpoint | string): Promise<Outcome<{ changes: FileChanges }>>;
  /**
   * Puts the workspace back as it was at `checkpoint`: changed files get their
   * old contents and executable bit (a file that is still there keeps its other
   * permission bits; a recreated one gets the umask's), deleted ones come
   * back, files it did not have are removed. Ignored files, files too large to checkpoint then, and nested
   * repositories are never touched; a symlink comes back as a symlink, never
   * followed. `paths` (workspace-relative files or folders) limits it to those.
   * The workspace is checkpointed first (`backup`), so a restore can be undone.
   */
  restore(checkpoint: Checkpoint | string, options?: { paths?: readonly string[] }): Promise<Outcome<RestoreReport>>;
}
