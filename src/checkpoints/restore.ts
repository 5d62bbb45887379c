import { chmod, lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import { folderChecker } from './classify';
import type { TreeDifference } from './compare';
import { type GitContext, runGit } from './git';
import { absoluteBytes, nulRecords, parentsOf, type RawPath, toText } from './raw-path';

const ZERO_ID = '0'.repeat(40);

/** What putting files back did, by raw path. */
export interface RawRestore {
  restored: RawPath[];
  removed: RawPath[];
  kept: RawPath[];
  failed: { path: RawPath; reason: string }[];
}

/**
 * Makes the workspace match the checkpoint on `differences` (the index, freshly
 * staged, against the checkpoint): deletes what the checkpoint lacks, except
 * `kept` paths (too large to be in it), then writes back what it has, through
 * git's `checkout-index`, which writes a symlink as a symlink and replaces (never
 * follows) a symlink in the way. Nothing that is not in the index is removed:
 * a folder of ignored files in the way fails that one path. The index is left
 * matching the workspace. Contract: never rejects.
 */
export async function restoreDifferences(context: GitContext, differences: readonly TreeDifference[], kept: ReadonlySet<RawPath>): Promise<{ ok: true; report: RawRestore } | { ok: false; error: string }> {
  const root = context.workTree;
  const report: RawRestore = { restored: [], removed: [], kept: [], failed: [] };
  const isRealFolder = folderChecker(root);

  for (const difference of differences.filter((entry) => entry.status === 'A')) {
    if (kept.has(difference.path)) {
      report.kept.push(difference.path);
      continue;
    }
    const failure = await removeFile(root, difference.path, isRealFolder);
    if (failure) report.failed.push({ path: difference.path, reason: failure });
    else report.removed.push(difference.path);
  }
  await removeEmptyFolders(root, report.removed);
  isRealFolder.forget();

  const writes: TreeDifference[] = [];
  for (const difference of differences.filter((entry) => entry.status !== 'A')) {
    const failure = await whyNotWritable(root, difference.path, isRealFolder);
    if (failure) report.failed.push({ path: difference.path, reason: failure });
    else writes.push(difference);
  }

  const indexLines = [
    ...report.removed.map((file) => `0 ${ZERO_ID}\t${file}`),
    ...writes.map((write) => `${write.mode} ${write.object}\t${write.path}`),
  ];
  if (indexLines.length > 0) {
    const indexed = await runGit(context, ['update-index', '-z', '--index-info'], { input: nulRecords(indexLines) });
    if (!indexed.ok) return indexed;
  }
  if (writes.length > 0) {
    const permissions = await permissionsOf(root, writes);
    const written = await runGit(context, ['checkout-index', '--force', '-u', '-z', '--stdin'], { input: nulRecords(writes.map((write) => write.path)) });
    if (!written.ok) return written;
    await keepPermissions(root, writes, permissions);
  }
  report.restored = writes.map((write) => write.path);
  return { ok: true, report };
}

/**
 * The permission bits of the regular files about to be overwritten. git keeps
 * only the executable bit, and writes files with the umask's bits: a private
 * file (0600, an `.env`) would come back readable by everyone.
 */
async function permissionsOf(root: string, writes: readonly TreeDifference[]): Promise<(number | undefined)[]> {
  return Promise.all(
    writes.map(async (write) => {
      const stats = await lstat(absoluteBytes(root, write.path)).catch(() => undefined);
      return stats?.isFile() ? stats.mode & 0o777 : undefined;
    }),
  );
}

/**
 * Gives each rewritten file its old read and write bits back, with the
 * checkpoint's executable bit (for whoever may read it). A file that was not
 * there before keeps what git gave it; a symlink is never changed.
 */
async function keepPermissions(root: string, writes: readonly TreeDifference[], permissions: readonly (number | undefined)[]): Promise<void> {
  await Promise.all(
    writes.map(async (write, index) => {
      const before = permissions[index];
      if (before === undefined || (write.mode !== '100644' && write.mode !== '100755')) return;
      const readWrite = before & 0o666;
      const mode = write.mode === '100755' ? readWrite | ((readWrite & 0o444) >> 2) : readWrite;
      const target = absoluteBytes(root, write.path);
      // Only a regular file git just wrote: chmod follows symlinks, so anything else is left alone.
      if ((await lstat(target).catch(() => undefined))?.isFile()) await chmod(target, mode).catch(() => {});
    }),
  );
}

/** Unlinks a file or symlink the checkpoint lacks; the reason it could not, or undefined when done (or gone already). */
async function removeFile(root: string, file: RawPath, isRealFolder: (folder: RawPath) => Promise<boolean>): Promise<string | undefined> {
  for (const folder of parentsOf(file)) {
    if (!(await isRealFolder(folder))) return 'its folder is no longer a folder (a symlink or file took its place)';
  }
  const target = absoluteBytes(root, file);
  const stats = await lstat(target).catch(() => undefined);
  if (stats === undefined) return undefined;
  if (stats.isDirectory()) return 'it is a folder now';
  try {
    await unlink(target);
    return undefined;
  } catch (error) {
    return `it could not be deleted (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

/** Removes the folders that deleting `files` left empty, deepest first; a folder with anything left in it stays. */
async function removeEmptyFolders(root: string, files: readonly RawPath[]): Promise<void> {
  const folders = [...new Set(files.flatMap(parentsOf))].sort((a, b) => b.length - a.length);
  for (const folder of folders) {
    const target = absoluteBytes(root, folder);
    const entries = await readdir(target).catch(() => undefined);
    if (entries?.length === 0) await rmdir(target).catch(() => {});
  }
}

/**
 * Why git must not write `file` now, or undefined when it may: checkout-index
 * would delete whatever is in the way, and only what the index held may go.
 * An empty folder in the way is removed here.
 */
async function whyNotWritable(root: string, file: RawPath, isRealFolder: (folder: RawPath) => Promise<boolean>): Promise<string | undefined> {
  for (const folder of parentsOf(file)) {
    if (await isRealFolder(folder)) continue;
    // Missing is fine (git makes it); anything else there is not ours to delete.
    if (await lstat(absoluteBytes(root, folder)).then(() => false, () => true)) break;
    return `${toText(folder)} is in the way: a file or symlink the checkpoints do not hold`;
  }
  const target = absoluteBytes(root, file);
  const stats = await lstat(target).catch(() => undefined);
  if (!stats?.isDirectory()) return undefined;
  const isEmpty = (await readdir(target).catch(() => ['?'])).length === 0;
  if (isEmpty && (await rmdir(target).then(() => true, () => false))) return undefined;
  return 'a folder is in the way, holding files the checkpoints do not hold';
}
