import { stat } from 'node:fs/promises';
import { applyEdit, readExistingFile, type ExistingFile, type FileEdit } from './file-edit';
import { snapshotOf, staleFileMessage, type FileTracker } from './file-tracker';
import type { ToolPath } from '../../workspace/tool-path';
import { checkPreviewBinding } from './preview-binding';
import type { WriteJournal } from './write-journal';

/** What a write tool needs to commit an edit safely. */
export interface CommitOptions {
  tracker: FileTracker;
  /** Absent when the tools were built without one: nothing is journaled. */
  journal: WriteJournal | undefined;
  batchId: string;
  /** The call's signal: once it aborts, the loop has already reported the call cancelled, so nothing may be written. */
  signal: AbortSignal;
}

/**
 * Reads the file a write tool is about to change (see `readExistingFile`) and
 * refuses it when it changed since shoal last read or wrote it. With `approved`
 * (the approved preview's binding) it also refuses, with `PreviewChangedError`,
 * a file that is no longer the one the user saw: checked after this read, the
 * last one before the write, so only pure computation lies between check and rename.
 * Previews do not record into the tracker: what the user saw is the binding's job.
 */
export async function readFileForEdit(target: ToolPath, tracker: FileTracker, approved?: string): Promise<ExistingFile | undefined> {
  const existing = await readExistingFile(target);
  if (existing !== undefined) {
    const current = { bytes: existing.bytes, size: existing.bytes.byteLength, mtimeMs: existing.mtimeMs };
    if (tracker.hasChanged(target.absolute, current)) throw new Error(staleFileMessage(target.shownPath));
  }
  if (approved !== undefined) await checkPreviewBinding(approved, target, existing);
  return existing;
}

/**
 * Writes an edit atomically, then records what was written in the tracker (so
 * shoal's next edit of the file is not refused) and what was there before in the journal.
 */
export async function commitEdit(edit: FileEdit, existing: ExistingFile | undefined, options: CommitOptions): Promise<void> {
  const { target } = edit;
  if (options.signal.aborted) throw new Error(`Cancelled before ${target.shownPath} was written; nothing changed.`);
  const written = await applyEdit(edit);
  const mtimeMs = await stat(target.absolute).then((stats) => stats.mtimeMs, () => Date.now());
  options.tracker.record(target.absolute, snapshotOf(written.bytes, mtimeMs));
  options.journal?.record({
    batchId: options.batchId,
    target,
    before: existing && { bytes: existing.bytes, mode: existing.mode },
    after: written.bytes,
    createdDirectory: written.createdDirectory,
  });
}
