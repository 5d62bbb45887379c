import { randomBytes } from 'node:crypto';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { findFiles } from '../../workspace/find-files';
import { readOwnFile } from '../../workspace/own-file';
import { isProcessAlive } from '../../workspace/process-alive';

/**
 * The names `tempPathFor` makes, and the older ones without a pid:
 * `.<name>.shoal-<pid>-<12 hex>.tmp`. Nothing else is ever cleaned.
 */
const TEMP_NAME = /^\..+\.shoal-(?:(\d+)-)?[0-9a-f]{12}\.tmp$/;

/** A temp file older than this is stale even if its pid runs again (reused by another process). */
export const STALE_TEMP_MS = 60_000;

/** A dead run's marker for another workspace is dropped after this long: that workspace may never be opened again. */
export const FORGOTTEN_MARKER_MS = 30 * 24 * 60 * 60 * 1000;

/** A marker holds one workspace path. */
const MAX_MARKER_BYTES = 64 * 1024;

/** Temp files this process has made and not yet renamed or removed. */
const unfinished = new Set<string>();

/** The temp file an atomic write of `absolute` goes through, beside it; its name carries our pid so a later start can tell it is orphaned. */
export function tempPathFor(absolute: string): string {
  return path.join(path.dirname(absolute), `.${path.basename(absolute)}.shoal-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Runs `write` with `temp` counted as unfinished, so that a process exiting
 * in the middle keeps its run marker (see `markRun`) and the next start
 * cleans the temp file up.
 */
export async function withTempFile<T>(temp: string, write: () => Promise<T>): Promise<T> {
  unfinished.add(temp);
  try {
    return await write();
  } finally {
    unfinished.delete(temp);
  }
}

/**
 * Leaves a marker in `markers` (a folder in shoal's state) saying this
 * process works in `root`, removed when it exits with no write unfinished.
 * A marker left behind means a run was killed, maybe mid-write: only then
 * does `cleanAfterKilledRuns` walk the workspace. Best effort: a state folder
 * that cannot be written costs only the clean-up.
 */
export function markRun(options: { markers: string; root: string }): void {
  const marker = path.join(options.markers, String(process.pid));
  try {
    mkdirSync(options.markers, { recursive: true, mode: 0o700 });
    writeFileSync(marker, options.root, { mode: 0o600 });
  } catch {
    return;
  }
  process.once('exit', () => {
    if (unfinished.size > 0) return;
    try {
      unlinkSync(marker);
    } catch {
      // Already gone.
    }
  });
}

/**
 * Cleans `root` of the temp files of runs that were killed there: when a
 * marker of a dead process names `root`, the workspace is walked once (see
 * `cleanStaleTempFiles`) and those markers removed. With no such marker,
 * nothing is walked. A dead run's marker for another workspace is left for
 * that workspace's next start, unless it is over 30 days old. Returns the workspace paths removed. Contract: never rejects.
 */
export async function cleanAfterKilledRuns(options: { markers: string; root: string; signal: AbortSignal; now?: number }): Promise<string[]> {
  const names = await readdir(options.markers).catch(() => []);
  const killed: string[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isProcessAlive(pid)) continue;
    const marker = path.join(options.markers, name);
    // Read as shoal reads its own files: a FIFO or a symlink put there is refused, never waited on.
    const read = await readOwnFile(options.markers, name, { maxBytes: MAX_MARKER_BYTES });
    if (read.status === 'read' && read.text === options.root) killed.push(marker);
    else if (await isOlderThan(marker, FORGOTTEN_MARKER_MS, options.now ?? Date.now())) await unlink(marker).catch(() => {});
  }
  if (killed.length === 0) return [];
  const removed = await cleanStaleTempFiles({ root: options.root, signal: options.signal });
  if (!options.signal.aborted) await Promise.all(killed.map((marker) => unlink(marker).catch(() => {})));
  return removed;
}

async function isOlderThan(file: string, ms: number, now: number): Promise<boolean> {
  const stats = await stat(file).catch(() => undefined);
  return stats !== undefined && now - stats.mtimeMs > ms;
}

/**
 * Removes the temp files a killed shoal left in the workspace: only names of
 * `tempPathFor`'s shape, only when their pid is dead or they are older than a
 * minute. Gitignored folders are not walked. Returns the workspace paths removed.
 * Contract: never rejects.
 */
export async function cleanStaleTempFiles(options: { root: string; signal: AbortSignal; now?: number }): Promise<string[]> {
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  try {
    const found = await findFiles({ root: options.root, directory: options.root, pattern: '**/.*.shoal-*.tmp', signal: options.signal });
    for (const file of found) {
      const match = TEMP_NAME.exec(path.basename(file.absolute));
      if (!match) continue;
      const pid = match[1] === undefined ? undefined : Number(match[1]);
      const isOrphan = pid !== undefined && pid !== process.pid && !isProcessAlive(pid);
      if (!isOrphan && now - file.mtimeMs < STALE_TEMP_MS) continue;
      if (await unlink(file.absolute).then(() => true, () => false)) removed.push(file.path);
    }
  } catch {
    // Best effort: a failed clean-up leaves what was there, as before.
  }
  return removed;
}
