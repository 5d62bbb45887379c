import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { type GitContext, runGit } from './git';
import { classifyPaths } from './classify';
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
export async function stageWorkspace(options: StageOptions): Promise<{ ok: true; skipped: RawSkipped[] } | { ok: false; error: string }> {
  const { context } = options;
  const listed = await runGit(context, ['ls-files', '-z', '--others', '--modified', '--deleted', '--exclude-standard']);
  if (!listed.ok) return listed;
  const candidates = [...new Set(splitNul(listed.stdout))];
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
  let added = await addToIndex(context, additions, options.canWritePack);
  if (!added.ok) {
    // An unreadable file fails the whole run; find such files, leave them out, and try once more.
    const unreadable = await unreadableFiles(context.workTree, additions);
    if (unreadable.length === 0) return added;
    const unreadableSet = new Set(unreadable);
    for (const file of unreadable) skipped.push({ path: file, reason: 'unreadable' });
    const again = await forceRemove(context, unreadable);
    if (!again.ok) return again;
    added = await addToIndex(context, additions.filter((file) => !unreadableSet.has(file)), options.canWritePack);
    if (!added.ok) return added;
  }

  const hasIgnoreFileChanged = candidates.some((candidate) => candidate === '.gitignore' || candidate.endsWith('/.gitignore'));
  if (options.mustRecheckIgnored || hasIgnoreFileChanged) {
    const ignored = await runGit(context, ['ls-files', '-z', '--cached', '--ignored', '--exclude-standard']);
    if (!ignored.ok) return ignored;
    const dropped = await forceRemove(context, splitNul(ignored.stdout));
    if (!dropped.ok) return dropped;
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ok: true, skipped };
}

/** Drops paths from the index whatever is on disk. */
export async function forceRemove(context: GitContext, paths: readonly RawPath[]): Promise<{ ok: true } | { ok: false; error: string }> {
  if (paths.length === 0) return { ok: true };
  const result = await runGit(context, ['update-index', '--force-remove', '-z', '--stdin'], { input: nulRecords(paths) });
  return result.ok ? { ok: true } : result;
}

/** Hashes files into the store and the index; many at once go into one pack, which writes far fewer files than loose objects. */
async function addToIndex(context: GitContext, paths: readonly RawPath[], canWritePack: boolean): Promise<{ ok: true } | { ok: false; error: string }> {
  if (paths.length === 0) return { ok: true };
  const packing = canWritePack && paths.length >= PACK_FROM_FILES ? ['-c', 'core.bigFileThreshold=1'] : [];
  const result = await runGit(context, [...packing, 'update-index', '--add', '--remove', '--replace', '-z', '--stdin'], {
    input: nulRecords(paths),
    timeoutMs: 120_000 + paths.length * HASH_TIMEOUT_MS_PER_FILE,
  });
  return result.ok ? { ok: true } : result;
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
