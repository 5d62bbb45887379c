import { constants } from 'node:fs';
import { access, lstat, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type GitContext, runGit } from './git';
import { classifyPaths } from './classify';
import { joinIndexEntries, readIndexEntries } from './index-file';
import { keepIndexTime } from './shadow-repository';
import { absoluteBytes, nulRecords, type RawPath, splitNul } from './raw-path';
import type { SkipReason } from './types';

/** A file (or, for a nested repository, a folder) a checkpoint does not hold, by raw path. */
export interface RawSkipped {
  path: RawPath;
  reason: SkipReason;
  /** The file's size, for `too-large`. */
  bytes?: number;
}

/** From this many files to add in one go, git writes them into one pack instead of a file per object. */
const PACK_FROM_FILES = 500;
/** Hashing many files gets this long per file on top of git's usual timeout (a slow disk, a busy machine). */
const HASH_TIMEOUT_MS_PER_FILE = 10;
/** From this many files to add to a session with no index yet, they are hashed by several git processes at once, one per core. */
const SHARD_FROM_FILES = 2_000;
/** At most this many git processes hash at once. */
const MAX_SHARDS = 4;

/** What staging needs: the shadow repository, the size cap, and whether tracked files must be checked against the ignore rules. */
export interface StageOptions {
  context: GitContext;
  maxFileBytes: number;
  /** Whether this git writes one pack per `update-index` run (see BULK_PACK_GIT_VERSION). */
  canWritePack: boolean;
  /** True when the ignore rules from outside the work tree changed (or may have): tracked files they now ignore leave the index. */
  mustRecheckIgnored: boolean;
  /** More files than this to hash in one take refuses the take (shoal started in a home folder, say). */
  maxNewFiles: number;
  /**
   * The tracked paths that may have changed since the index was written, from
   * the change watch; only these are compared with it. Undefined: all are.
   */
  changed?: readonly RawPath[];
}

/**
 * Brings the session's index up to date with the workspace, as `git add -A`
 * would but cheaper and safer: git lists what changed since the index was last
 * written (untracked files, changed and deleted ones, judged by its stat data,
 * so an unchanged tree costs one walk), shoal looks at each, and git hashes only
 * those. Files over the size cap, nested repositories and unreadable files stay
 * out (and out of the index, so a file that grew past the cap is not kept at
 * an old version). Paths beyond a symlinked folder count as gone; nothing is
 * followed. Contract: never rejects.
 */
export async function stageWorkspace(options: StageOptions): Promise<{ ok: true; skipped: RawSkipped[]; added: RawPath[] } | { ok: false; error: string }> {
  const { context, changed: watched } = options;
  // Two walks at once, the longer started first (starting a process holds the event loop for some milliseconds):
  // the tracked files whose stat data changed (one lstat each, unless the watch names the few that may have),
  // and the untracked ones.
  const listTracked = () =>
    watched === undefined
      ? runGit(context, ['ls-files', '-z', '--modified', '--deleted'])
      : watched.length === 0
        ? Promise.resolve({ ok: true as const, stdout: Buffer.alloc(0) })
        : // diff-files matches the paths before it looks at a file; ls-files, given more than one, stats every file.
          runGit(context, ['diff-files', '--name-only', '-z', '--', ...watched]);
  const listUntracked = () => runGit(context, ['ls-files', '-z', '--others', '--exclude-standard']);
  const order = watched === undefined ? [listTracked, listUntracked] : [listUntracked, listTracked];
  const listed = await startApart(order);
  const changed = listed[order.indexOf(listTracked)]!;
  const untracked = listed[order.indexOf(listUntracked)]!;
  if (!untracked.ok) return untracked;
  if (!changed.ok) return changed;
  const candidates = [...new Set([...splitNul(untracked.stdout), ...splitNul(changed.stdout)])];
  const skipped: RawSkipped[] = [];
  const files: RawPath[] = [];
  for (const candidate of candidates) {
    // git lists a folder holding its own `.git` as `folder/`: a repository of its own, never entered.
    if (candidate.endsWith('/')) skipped.push({ path: candidate.slice(0, -1), reason: 'nested-repository' });
    else files.push(candidate);
  }

  const verdicts = await classifyPaths(context.workTree, files, options.maxFileBytes);
  const additions = files.filter((_, index) => verdicts[index]!.kind === 'add');
  const removals = files.filter((_, index) => verdicts[index]!.kind !== 'add');
  for (const [index, verdict] of verdicts.entries()) if (verdict.kind === 'too-large') skipped.push({ path: files[index]!, reason: 'too-large', bytes: verdict.bytes });

  if (additions.length > options.maxNewFiles) {
    return {
      ok: false,
      error: `${additions.length.toLocaleString('en')} files to checkpoint that no .gitignore leaves out, over the limit of ${options.maxNewFiles.toLocaleString('en')}; is this the project's folder?`,
    };
  }
  const removed = await forceRemove(context, removals);
  if (!removed.ok) return removed;
  let isAdded = await addToIndex(context, additions, options.canWritePack);
  let added = additions;
  if (!isAdded.ok) {
    // An unreadable file fails the whole run; find such files, leave them out, and try once more.
    const unreadable = await unreadableFiles(context.workTree, additions);
    if (unreadable.length === 0) return isAdded;
    const unreadableSet = new Set(unreadable);
    for (const file of unreadable) skipped.push({ path: file, reason: 'unreadable' });
    const again = await forceRemove(context, unreadable);
    if (!again.ok) return again;
    added = additions.filter((file) => !unreadableSet.has(file));
    isAdded = await addToIndex(context, added, options.canWritePack);
    if (!isAdded.ok) return isAdded;
  }

  const hasIgnoreFileChanged = candidates.some((candidate) => candidate === '.gitignore' || candidate.endsWith('/.gitignore'));
  if (options.mustRecheckIgnored || hasIgnoreFileChanged) {
    const ignored = await runGit(context, ['ls-files', '-z', '--cached', '--ignored', '--exclude-standard']);
    if (!ignored.ok) return ignored;
    const dropped = await forceRemove(context, splitNul(ignored.stdout));
    if (!dropped.ok) return dropped;
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ok: true, skipped, added };
}

/** Runs them all at once, each started a turn of the event loop after the one before: starting a process holds the loop a while. */
async function startApart<T>(starts: readonly (() => Promise<T>)[]): Promise<T[]> {
  const running: Promise<T>[] = [];
  for (const [index, start] of starts.entries()) {
    if (index > 0) await nextTurn();
    running.push(start());
  }
  return Promise.all(running);
}

/** Drops paths from the index whatever is on disk. */
export async function forceRemove(context: GitContext, paths: readonly RawPath[]): Promise<{ ok: true } | { ok: false; error: string }> {
  if (paths.length === 0) return { ok: true };
  const result = await runGit(context, ['update-index', '--force-remove', '-z', '--stdin'], { input: nulRecords(paths) });
  return result.ok ? { ok: true } : result;
}

/**
 * Hashes files into the store and the index; many at once go into one pack,
 * which writes far fewer files than loose objects, and very many are split
 * between several git processes (see `addInShards`).
 */
async function addToIndex(context: GitContext, paths: readonly RawPath[], canWritePack: boolean): Promise<{ ok: true } | { ok: false; error: string }> {
  const shards = Math.min(availableParallelism(), MAX_SHARDS);
  // Slices join only into an index that is not split (see readIndexEntries): the session's first, before it has one.
  const isFirst = canWritePack && shards > 1 && paths.length >= SHARD_FROM_FILES && !(await stat(context.indexFile).then(() => true, () => false));
  return isFirst ? addInShards(context, paths, shards) : addWithGit(context, paths, canWritePack);
}

async function addWithGit(
  context: GitContext,
  paths: readonly RawPath[],
  canWritePack: boolean,
  settings: readonly string[] = [],
): Promise<{ ok: true } | { ok: false; error: string }> {
  if (paths.length === 0) return { ok: true };
  const packing = canWritePack && paths.length >= PACK_FROM_FILES ? ['-c', 'core.bigFileThreshold=1'] : [];
  const result = await runGit(context, [...settings, ...packing, 'update-index', '--add', '--remove', '--replace', '-z', '--stdin'], {
    input: nulRecords(paths),
    timeoutMs: 120_000 + paths.length * HASH_TIMEOUT_MS_PER_FILE,
  });
  return result.ok ? { ok: true } : result;
}

/**
 * One git process hashes one file at a time, and its pack writer checks each
 * new object against every one written before it: 20,000 files took 1.6 s of
 * one core (measured). Here each core's git hashes a slice of the paths into
 * an index of its own and a pack of its own, and the slices' entries (stat
 * data and all) are joined into the session's index, under git's own lock.
 * Where an index is not one this can read, git adds the paths again, which
 * then only hashes them: their objects are already stored.
 */
async function addInShards(context: GitContext, paths: readonly RawPath[], shards: number): Promise<{ ok: true } | { ok: false; error: string }> {
  // In git's order (raw paths compare byte by byte), so the slices' entries join end to end, already sorted.
  const sorted = [...paths].sort();
  const size = Math.ceil(sorted.length / shards);
  const slices = Array.from({ length: shards }, (_, shard) => sorted.slice(shard * size, (shard + 1) * size)).filter((slice) => slice.length > 0);
  const shardIndexes = slices.map((_, shard) => `${context.indexFile}.shard-${process.pid}-${shard}`);
  const removeShards = () => Promise.all(shardIndexes.flatMap((file) => [rm(file, { force: true }), rm(`${file}.lock`, { force: true })]));
  await removeShards();
  try {
    // Each slice's index whole, not split: its entries are read here.
    // Started apart, so a key press waits for one process start, not all of them.
    const results = await startApart(slices.map((slice, shard) => () => addWithGit({ ...context, indexFile: shardIndexes[shard]! }, slice, true, ['-c', 'core.splitIndex=false'])));
    const failed = results.find((result) => !result.ok);
    if (failed) return failed;
    const layers = await Promise.all(shardIndexes.map(async (file) => readIndexEntries(await readFile(file))));
    const current = await readFile(context.indexFile).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    // The joined index is as old as the oldest stat data it holds (see keepIndexTime).
    const times = await Promise.all([...shardIndexes, ...(current === undefined ? [] : [context.indexFile])].map(async (file) => (await stat(file)).mtimeMs));
    const base = current === undefined ? [] : readIndexEntries(current);
    const readable = layers.filter((layer) => layer !== undefined);
    if (base === undefined || readable.length < layers.length) return addWithGit(context, paths, true);
    const lock = `${context.indexFile}.lock`;
    // Git's protocol: whoever creates the lock file owns the index until the lock is renamed over it.
    await writeFile(lock, joinIndexEntries(base, readable), { flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') await rm(lock, { force: true });
      throw error;
    });
    await keepIndexTime(lock, Math.min(...times)).catch(async (error: unknown) => {
      await rm(lock, { force: true });
      throw error;
    });
    await rename(lock, context.indexFile);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `could not join the hashed files into the index: ${(error as Error).message}` };
  } finally {
    await removeShards().catch(() => {});
  }
}

async function unreadableFiles(root: string, paths: readonly RawPath[]): Promise<RawPath[]> {
  const checks = await Promise.all(
    paths.map(async (file) => {
      const stats = await lstat(absoluteBytes(root, file)).catch(() => undefined);
      if (!stats?.isFile()) return false;
      return access(absoluteBytes(root, file), constants.R_OK).then(() => false, () => true);
    }),
  );
  return paths.filter((_, index) => checks[index]);
}
