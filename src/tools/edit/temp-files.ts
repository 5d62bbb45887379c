import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { findFiles } from '../../workspace/find-files';
import { isProcessAlive } from '../../workspace/process-alive';

/**
 * The names `tempPathFor` makes, and the older ones without a pid:
 * `.<name>.shoal-<pid>-<12 hex>.tmp`. Nothing else is ever cleaned.
 */
const TEMP_NAME = /^\..+\.shoal-(?:(\d+)-)?[0-9a-f]{12}\.tmp$/;

/** A temp file older than this is stale even if its pid runs again (reused by another process). */
export const STALE_TEMP_MS = 60_000;

/** The temp file an atomic write of `absolute` goes through, beside it; its name carries our pid so a later start can tell it is orphaned. */
export function tempPathFor(absolute: string): string {
  return path.join(path.dirname(absolute), `.${path.basename(absolute)}.shoal-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
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
