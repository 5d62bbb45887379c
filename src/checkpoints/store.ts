import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeCommitObject } from './commit-object';
import { compareWithIndex, type TreeDifference } from './compare';
import { BULK_PACK_GIT_VERSION, type GitContext, isAtLeast, probeGit, runGit } from './git';
import { findEnclosingRepository, findGlobalExcludesFile, type EnclosingRepository, shadowExcludeText } from './ignore-sources';
import { commitMessage, type CheckpointMetadata, keptPaths, listSession, readCheckpoint, sessionRefPrefix, toCheckpoint } from './metadata';
import { type RawPath, toText } from './raw-path';
import { restoreDifferences } from './restore';
import { runInTurn } from './serial';
import { createRef, prepareSessionIndex, prepareShadowRepository, sessionIndexFile, shadowGitDir, writeAtomically } from './shadow-repository';
import { type RawSkipped, stageWorkspace } from './stage';
import { createIndexWatch } from './index-watch';
import type { Checkpoint, CheckpointAvailability, CheckpointStore, FileChanges, Outcome, RestoreReport } from './types';

/** Files over this size are left out of checkpoints (and named in `skipped`). */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** A take with more files than this to hash is refused: a large repository has fewer outside its .gitignore. */
export const DEFAULT_MAX_NEW_FILES = 200_000;

/** A session's newest checkpoint, by store key: shared by every store of the session in this process, as its queue is. */
interface LatestCheckpoint {
  id: string;
  number: number;
}
const latestBySession = new Map<string, LatestCheckpoint | undefined>();

/** What git says of an index it cannot read (damaged, or written by a newer git with an extension it lacks). */
const BROKEN_INDEX = /index file|bad signature|index uses .* extension|unknown index version/i;

/** Session ids become ref names: the same shape `newSessionId` makes and the session files accept. */
const SAFE_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Where and for whom a store keeps checkpoints. */
export interface CheckpointStoreOptions {
  /** The workspace root (shoal's cwd), an absolute path. */
  workspace: string;
  /** shoal's state folder (`shoalDir('state', ...)`); the store lives in `checkpoints/` inside it. */
  stateDir: string;
  /** The session the checkpoints belong to; `--continue` with the same id finds them again. */
  sessionId: string;
  /** Files bigger than this are not checkpointed. Default DEFAULT_MAX_FILE_BYTES (10 MiB). */
  maxFileBytes?: number;
  /** A take that would hash more files than this fails instead. Default DEFAULT_MAX_NEW_FILES (200,000). */
  maxNewFiles?: number;
  /** The git program. Default "git", looked up on `env.PATH`. */
  git?: string;
  /** Where PATH comes from. Default `process.env`; nothing else of it reaches git. */
  env?: NodeJS.ProcessEnv;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /**
   * Whether takes after the first learn what changed from the file system's
   * change events (see change-watch.ts) rather than by comparing every tracked
   * file. Default: on Linux. A run that takes one checkpoint has no use for it.
   */
  watchChanges?: boolean;
}

/** What the first call sets up once: a probed git, a ready shadow repository, the user's repository around the workspace. */
interface Prepared {
  context: GitContext;
  canWritePack: boolean;
  repository: EnclosingRepository | undefined;
  /** The user's global ignore file (it may not exist). */
  globalExcludesFile: string | undefined;
}

/**
 * A checkpoint store for one workspace and session: a shadow git repository
 * under `<stateDir>/checkpoints/`, never the user's `.git` (see
 * `gitEnvironment` for how git is kept away from the user's config, hooks
 * and filters). Creating one does no I/O: the first call probes git and sets
 * the repository up, so it never delays start-up.
 */
export function createCheckpointStore(options: CheckpointStoreOptions): CheckpointStore {
  const workspace = path.resolve(options.workspace);
  const gitDir = shadowGitDir(options.stateDir, workspace);
  const { sessionId } = options;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxNewFiles = options.maxNewFiles ?? DEFAULT_MAX_NEW_FILES;
  const context: GitContext = {
    git: options.git ?? 'git',
    gitDir,
    indexFile: sessionIndexFile(gitDir, sessionId),
    workTree: workspace,
    env: options.env ?? process.env,
  };
  const queueKey = `${gitDir}\0${sessionId}`;
  let preparing: Promise<Outcome<Prepared>> | undefined;
  /** The exclude file as this store last saw it; undefined until the first stage, which rechecks tracked files too. */
  let lastExcludeText: string | undefined;
  // Only inotify's order and overflow rules are known here (see change-watch.ts); elsewhere every take compares every file.
  const isWatched = options.watchChanges ?? (options.platform ?? process.platform) === 'linux';
  const watch = isWatched ? createIndexWatch(context) : undefined;

  const prepare = () =>
    (preparing ??= (async (): Promise<Outcome<Prepared>> => {
      if (!SAFE_SESSION_ID.test(sessionId)) return { ok: false, error: `"${sessionId.slice(0, 80)}" cannot name a session's checkpoints` };
      const isFolder = await stat(workspace).then((stats) => stats.isDirectory(), () => false);
      if (!isFolder) return { ok: false, error: `the workspace ${workspace} is not a folder` };
      const probe = await probeGit(context);
      if (!probe.isAvailable) return { ok: false, error: probe.reason };
      const prepared = await prepareShadowRepository(context, options.platform ?? process.platform);
      if (!prepared.ok) return prepared;
      await prepareSessionIndex(context.indexFile);
      const [repository, globalExcludesFile] = await Promise.all([findEnclosingRepository(workspace), findGlobalExcludesFile(context)]);
      return { ok: true, context, canWritePack: isAtLeast(probe.version, BULK_PACK_GIT_VERSION), repository, globalExcludesFile };
    })());

  /** Runs `task` in turn with every other call on this session's index, once the store is ready. */
  const inTurn = <T>(task: (prepared: Prepared) => Promise<Outcome<T>>): Promise<Outcome<T>> =>
    runInTurn(queueKey, async () => {
      try {
        const prepared = await prepare();
        if (!prepared.ok) return prepared;
        const result = await task(prepared);
        await watch?.settle();
        return result;
      } catch (error) {
        // Only a bug lands here (git failures come back as values); the caller still gets a line, not a rejection.
        watch?.distrust();
        return { ok: false, error: `checkpoint store: ${(error as Error).message}` };
      }
    });

  /** Writes the ignore rules from above the workspace, then brings the index up to date with the workspace. */
  const stage = async (prepared: Prepared) => {
    const excludeFile = path.join(gitDir, 'info', 'exclude');
    const text = await shadowExcludeText({ workspace, repository: prepared.repository, shadowGitDir: gitDir, globalExcludesFile: prepared.globalExcludesFile });
    const isFirst = lastExcludeText === undefined;
    const previous = lastExcludeText ?? (await readFile(excludeFile, 'latin1').catch(() => ''));
    if (text !== previous) await writeAtomically(excludeFile, text, 'latin1');
    lastExcludeText = text;
    // Another shoal of this workspace may have staged with other rules since: the first stage of a store checks tracked files too.
    const mustRecheckIgnored = isFirst || text !== previous;
    const options = { context, maxFileBytes, maxNewFiles, canWritePack: prepared.canWritePack, mustRecheckIgnored };
    // Other ignore rules may make tracked files leave: every one is looked at then.
    const changed = mustRecheckIgnored ? undefined : await watch?.changes();
    let staged = await stageWorkspace({ ...options, ...(changed ? { changed } : {}) });
    if (!staged.ok && BROKEN_INDEX.test(staged.error)) {
      // The index is only a cache of what was hashed: a damaged one is dropped, and the workspace hashed again.
      await rm(context.indexFile, { force: true });
      staged = await stageWorkspace({ ...options, mustRecheckIgnored: true });
    }
    // A failed stage may have taken the watch's list without bringing the index up to date: the next compares everything.
    if (staged.ok) watch?.staged(staged.added);
    else watch?.distrust();
    return staged;
  };

  /** The session's newest checkpoint: from the refs the first time, then as this process adds them. */
  const latest = async (): Promise<Outcome<{ latest: LatestCheckpoint | undefined }>> => {
    if (latestBySession.has(queueKey)) return { ok: true, latest: latestBySession.get(queueKey) };
    const refs = await runGit(context, ['for-each-ref', '--format=%(refname) %(objectname)', sessionRefPrefix(sessionId)]);
    if (!refs.ok) return refs;
    const found = latestRef(refs.stdout.toString('utf8'), sessionRefPrefix(sessionId));
    latestBySession.set(queueKey, found);
    return { ok: true, latest: found };
  };

  /** Commits the index as the session's next checkpoint. */
  const commitIndex = async (label: string, time: Date, skipped: RawSkipped[]): Promise<Outcome<{ checkpoint: Checkpoint }>> => {
    const tree = await runGit(context, ['write-tree']);
    if (!tree.ok) return tree;
    const metadata: CheckpointMetadata = { label, time, skipped };
    // A second try when the ref was taken: another shoal on this session moved the newest checkpoint on.
    for (let attempt = 1; ; attempt++) {
      const parent = await latest();
      if (!parent.ok) return parent;
      const commit = await writeCommitObject(gitDir, { tree: tree.stdout.toString('utf8').trim(), parent: parent.latest?.id, message: commitMessage(metadata), time }).then(
        (id) => ({ ok: true as const, id }),
        (error: Error) => ({ ok: false as const, error: `could not write checkpoint's commit: ${error.message}` }),
      );
      if (!commit.ok) return commit;
      const { id } = commit;
      const number = (parent.latest?.number ?? 0) + 1;
      // Create-only: a checkpoint is never overwritten.
      const ref = await createRef(gitDir, `${sessionRefPrefix(sessionId)}${number}`, id).then(
        () => ({ ok: true as const }),
        (error: NodeJS.ErrnoException) => ({ ok: false as const, error: `could not keep checkpoint ${number}: ${error.code === 'EEXIST' ? 'it was taken by another shoal' : error.message}` }),
      );
      if (ref.ok) {
        latestBySession.set(queueKey, { id, number });
        return { ok: true, checkpoint: toCheckpoint({ id, sessionId, number, metadata }) };
      }
      latestBySession.delete(queueKey);
      if (attempt === 2) return ref;
    }
  };

  const idOf = (checkpoint: Checkpoint | string) => (typeof checkpoint === 'string' ? checkpoint : checkpoint.id);

  return {
    gitDir,
    async availability(): Promise<CheckpointAvailability> {
      const prepared = await prepare().catch((error: Error) => ({ ok: false as const, error: error.message }));
      return prepared.ok ? { isAvailable: true } : { isAvailable: false, reason: prepared.error };
    },

    take(label) {
      return inTurn(async (prepared) => {
        const time = new Date();
        const staged = await stage(prepared);
        if (!staged.ok) return staged;
        return commitIndex(label, time, staged.skipped);
      });
    },

    list() {
      return inTurn(async () => {
        const listed = await listSession(context, sessionId);
        if (!listed.ok) return listed;
        return { ok: true, checkpoints: listed.entries.map((entry) => toCheckpoint({ ...entry, sessionId })) };
      });
    },

    changedSince(checkpoint) {
      return inTurn(async (prepared) => {
        const read = await readCheckpoint(context, idOf(checkpoint));
        if (!read.ok) return read;
        const staged = await stage(prepared);
        if (!staged.ok) return staged;
        const compared = await compareWithIndex(context, idOf(checkpoint));
        if (!compared.ok) return compared;
        return { ok: true, changes: classifyChanges(compared.differences, keptPaths(read.metadata), staged.skipped) };
      });
    },

    restore(checkpoint, restoreOptions = {}) {
      return inTurn(async (prepared): Promise<Outcome<RestoreReport>> => {
        const pathspecs = toPathspecs(restoreOptions.paths);
        if (!pathspecs.ok) return pathspecs;
        const id = idOf(checkpoint);
        const read = await readCheckpoint(context, id);
        if (!read.ok) return read;
        const time = new Date();
        const staged = await stage(prepared);
        if (!staged.ok) return staged;
        const backup = await commitIndex(`before restoring "${read.metadata.label}"`, time, staged.skipped);
        if (!backup.ok) return { ok: false, error: `nothing was restored: the workspace could not be checkpointed first (${backup.error})` };
        const compared = await compareWithIndex(context, id, pathspecs.paths);
        if (!compared.ok) return compared;
        const restored = await restoreDifferences(context, compared.differences, keptPaths(read.metadata));
        // The restored paths entered the index without a stage; the watch learns them from the index.
        watch?.distrust();
        if (!restored.ok) return { ok: false, error: `the restore stopped partway (restore checkpoint ${backup.checkpoint.number} to undo it): ${restored.error}` };
        const { report } = restored;
        const texts = (paths: RawPath[]) => paths.map(toText).sort();
        return {
          ok: true,
          backup: backup.checkpoint,
          restored: texts(report.restored),
          removed: texts(report.removed),
          kept: texts(report.kept),
          failed: report.failed.map((failure) => ({ path: toText(failure.path), reason: failure.reason })),
        };
      });
    },
  };
}

/** The highest-numbered ref of `for-each-ref --format="%(refname) %(objectname)"` output under `prefix`. */
function latestRef(output: string, prefix: string): LatestCheckpoint | undefined {
  let latest: LatestCheckpoint | undefined;
  for (const line of output.split('\n')) {
    const [ref = '', id = ''] = line.split(' ');
    const number = Number(ref.slice(prefix.length));
    if (ref.startsWith(prefix) && Number.isInteger(number) && number > 0 && (!latest || number > latest.number)) latest = { id, number };
  }
  return latest;
}

/**
 * Sorts the differences into added, deleted and modified. A file over the cap
 * now is not in the index: one the checkpoint held has changed (it was under the
 * cap then), one it left out for its size too was never compared.
 */
function classifyChanges(differences: readonly TreeDifference[], keptThen: ReadonlySet<RawPath>, skippedNow: readonly RawSkipped[]): FileChanges {
  const outNow = new Set(skippedNow.filter((file) => file.reason !== 'nested-repository').map((file) => file.path));
  const added: RawPath[] = [];
  const deleted: RawPath[] = [];
  const modified: RawPath[] = [];
  const unchecked: RawPath[] = [];
  for (const { status, path: file } of differences) {
    if (status === 'A') (keptThen.has(file) ? modified : added).push(file);
    else if (status === 'D') (outNow.has(file) ? modified : deleted).push(file);
    else modified.push(file);
    outNow.delete(file);
  }
  for (const file of outNow) (keptThen.has(file) ? unchecked : added).push(file);
  const texts = (paths: RawPath[]) => paths.map(toText).sort();
  return { added: texts(added), deleted: texts(deleted), modified: texts(modified), unchecked: texts(unchecked) };
}

/** The `paths` of a restore as literal pathspecs: workspace-relative, inside it, `/`-separated. */
function toPathspecs(paths: readonly string[] | undefined): Outcome<{ paths: string[] }> {
  const pathspecs: string[] = [];
  for (const given of paths ?? []) {
    const normal = path.posix.normalize(given).replace(/\/+$/, '');
    if (given === '' || given.includes('\0') || path.posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
      return { ok: false, error: `${JSON.stringify(given)} is not a path inside the workspace; give workspace-relative paths` };
    }
    pathspecs.push(normal === '' ? '.' : normal);
  }
  // "." is the whole workspace: no filter at all.
  return { ok: true, paths: pathspecs.includes('.') ? [] : pathspecs };
}
