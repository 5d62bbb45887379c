import { stat, unlink } from 'node:fs/promises';
import type { CommitOptions } from '../edit/edit-guard';
import { applyEdit, toWriteError, writeFileAtomic, type ExistingFile, type FileEdit } from '../edit/file-edit';
import { snapshotOf } from '../edit/file-tracker';
import { removeCreatedDirectories } from '../edit/write-journal';
import { plural } from '../output-cap';
import type { ToolPath } from '../../workspace/tool-path';
import type { PlannedFile } from './plan-patch';

/** One change made on disk, with what undoes it. */
interface Landed {
  target: ToolPath;
  before: { bytes: Uint8Array; mode: number } | undefined;
  /** The bytes now in the file; undefined once deleted. */
  after: Uint8Array | undefined;
  createdDirectory?: string;
}

/**
 * Writes every file of a planned patch: the writes first (new files, updates,
 * move destinations), then the deletes (deleted files, move sources). When one
 * fails, or the call is cancelled midway, the files already changed are put
 * back and the error says so: the patch lands whole or not at all. Only when
 * all landed are they recorded in the tracker and, as one batch, the journal.
 */
export async function commitPatch(files: readonly PlannedFile[], options: CommitOptions): Promise<void> {
  const writes = files.filter((file) => file.edit && (file.source || file.edit.before !== file.edit.after)).map((file) => file.edit!);
  const deletes = files.flatMap((file): { target: ToolPath; existing: ExistingFile }[] =>
    file.change === 'delete' ? [{ target: file.target, existing: file.existing! }] : file.source ? [file.source] : [],
  );
  const landed: Landed[] = [];
  let current = '';
  try {
    for (const edit of writes) {
      current = edit.target.shownPath;
      checkNotCancelled(options.signal, landed);
      const written = await applyEdit(edit);
      landed.push({ target: edit.target, before: beforeOf(edit, files), after: written.bytes, createdDirectory: written.createdDirectory });
    }
    for (const file of deletes) {
      current = file.target.shownPath;
      checkNotCancelled(options.signal, landed);
      await unlink(file.target.absolute).catch((error: unknown) => Promise.reject(toWriteError(error, current)));
      landed.push({ target: file.target, before: { bytes: file.existing.bytes, mode: file.existing.mode }, after: undefined });
    }
  } catch (error) {
    throw new Error(`${(error as Error).message}${await rollBack(landed, current)}`);
  }
  for (const change of landed) {
    if (change.after !== undefined) {
      const mtimeMs = await stat(change.target.absolute).then((stats) => stats.mtimeMs, () => Date.now());
      options.tracker.record(change.target.absolute, snapshotOf(change.after, mtimeMs));
    }
    options.journal?.record({ batchId: options.batchId, ...change });
  }
}

/** What a write replaced: the bytes read for the plan, so undo puts exactly them back. */
function beforeOf(edit: FileEdit, files: readonly PlannedFile[]): Landed['before'] {
  const existing = files.find((file) => file.edit === edit)?.existing;
  return existing && { bytes: existing.bytes, mode: existing.mode };
}

function checkNotCancelled(signal: AbortSignal, landed: readonly Landed[]): void {
  if (!signal.aborted) return;
  throw new Error(landed.length === 0 ? 'Cancelled before any file was written.' : 'Cancelled while the patch was being written.');
}

/**
 * Puts back what `landed` changed, the last change first, and says how that
 * went, as a sentence to follow the error that stopped the patch.
 */
async function rollBack(landed: readonly Landed[], failedPath: string): Promise<string> {
  if (landed.length === 0) return ' No file was changed.';
  const failed: string[] = [];
  for (const change of [...landed].reverse()) {
    try {
      if (change.before) await writeFileAtomic(change.target.absolute, change.before.bytes, change.before.mode);
      else {
        await unlink(change.target.absolute);
        await removeCreatedDirectories(change);
      }
    } catch (error) {
      failed.push(`${change.target.shownPath} (${toWriteError(error, change.target.shownPath).message})`);
    }
  }
  const count = plural(landed.length, 'file');
  if (failed.length === 0) return ` The ${count} changed before ${failedPath} ${landed.length === 1 ? 'was' : 'were'} put back, so nothing changed.`;
  return ` Putting back the ${count} already changed failed for ${failed.join('; ')}: check ${failed.length === 1 ? 'it' : 'them'} by hand.`;
}
