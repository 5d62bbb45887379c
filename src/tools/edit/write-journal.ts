import { rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { MAX_EDIT_BYTES, toWriteError, writeFileAtomic } from './file-edit';
import { hashBytes } from './file-tracker';
import { plural } from '../output-cap';
import type { ToolPath } from '../../workspace/tool-path';
import { isInside, resolveInWorkspace } from '../../workspace/paths';
import { readRegularFile } from '../../workspace/regular-file';

/** How many batches the journal keeps by default; older ones can no longer be undone. */
export const DEFAULT_MAX_BATCHES = 20;
/** How many bytes of earlier file contents the journal keeps by default (about 50 MB). */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** One successful write by write_file, update_file or apply_patch, as the journal records it. */
export interface JournalWrite {
  /** The `batchId` of the call's `ToolExecuteContext`. */
  batchId: string;
  target: ToolPath;
  /** The file before the write, or undefined when the write created it. */
  before: { bytes: Uint8Array; mode: number } | undefined;
  /** The exact bytes the write left in the file; undefined when it deleted the file (apply_patch). */
  after: Uint8Array | undefined;
  /** The outermost directory the write created, removed again (when empty) by undo. */
  createdDirectory?: string;
}

/** What one undo did, by workspace-relative path. */
export interface UndoResult {
  restored: string[];
  /** Files the batch had created, now deleted. */
  removed: string[];
  /** Files left as they are, e.g. because the user edited them after shoal wrote them. */
  skipped: { path: string; reason: string }[];
}

/** What the next undo would do, for the UI to show before it asks. */
export interface UndoPlan {
  batchId: string;
  /** Files it would put back as they were before the batch. */
  restore: string[];
  /** Files the batch created, which it would delete. */
  remove: string[];
  /** One sentence, e.g. "Undo the last edit: restore 2 files (a.ts, b.ts). ...". */
  description: string;
}

/**
 * Remembers what the write tools changed, batch by batch (one model response
 * each), so the user can put the files back. Only file edits are journaled:
 * what bash commands did is never undone.
 */
export interface WriteJournal {
  /** Called by the write tools after each successful write. */
  record(write: JournalWrite): void;
  /** True when there is a batch to undo. */
  readonly canUndo: boolean;
  /** What `undoLastBatch` would do now, or undefined when there is nothing to undo. */
  nextUndo(): UndoPlan | undefined;
  /**
   * Puts every file of the most recent batch back as it was before that batch
   * (deleting the files it created) and forgets the batch, so the next call
   * goes one batch further back. A file changed since shoal wrote it is skipped,
   * never clobbered. Undefined when there is nothing to undo.
   * Contract: never rejects; per-file failures are reported in `skipped`.
   */
  undoLastBatch(): Promise<UndoResult | undefined>;
  /**
   * Every file written in the batches still kept, with its contents before the first of them
   * (`not-kept` when too large to keep), oldest write first: what /diff compares against.
   */
  firstKnown(): { target: ToolPath; before: { bytes: Uint8Array } | undefined | 'not-kept' }[];
  /**
   * Ends the current batch: the next write starts a new one even when its
   * batch id repeats (ids restart with each run, e.g. "main:1"). Call it when a run starts.
   */
  endBatch(): void;
}

/** Limits of what a journal keeps; the oldest batches are dropped first. */
export interface WriteJournalOptions {
  maxBatches?: number;
  /** Bytes of earlier contents kept; a write whose earlier contents do not fit is recorded as not undoable. */
  maxBytes?: number;
}

/** One file's history within a batch: its state before the batch's first write, and after its last. */
interface FileHistory {
  target: ToolPath;
  before: { bytes: Uint8Array; mode: number } | undefined | 'not-kept';
  /** Undefined when the batch's last change deleted the file. */
  afterHash: string | undefined;
  createdDirectory: string | undefined;
}

interface Batch {
  id: string;
  isOpen: boolean;
  /** By real path, ordered oldest write first (a file moves to the end when written again). */
  files: Map<string, FileHistory>;
  bytes: number;
}

/** A new, empty journal: create one per session and pass it to `createMainTools`. */
export function createWriteJournal(options: WriteJournalOptions = {}): WriteJournal {
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const batches: Batch[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const keptBytes = () => batches.reduce((sum, batch) => sum + batch.bytes, 0);

  function currentBatch(batchId: string): Batch {
    const last = batches.at(-1);
    if (last?.isOpen && last.id === batchId) return last;
    if (last) last.isOpen = false;
    const batch: Batch = { id: batchId, isOpen: true, files: new Map(), bytes: 0 };
    batches.push(batch);
    if (batches.length > maxBatches) batches.shift();
    return batch;
  }

  return {
    record(write) {
      const batch = currentBatch(write.batchId);
      const absolute = write.target.absolute;
      const earlier = batch.files.get(absolute);
      batch.files.delete(absolute);
      if (earlier) {
        batch.files.set(absolute, { ...earlier, afterHash: write.after && hashBytes(write.after) });
        return;
      }
      const size = write.before?.bytes.byteLength ?? 0;
      while (batches.length > 1 && keptBytes() + size > maxBytes) batches.shift();
      const fits = keptBytes() + size <= maxBytes;
      if (fits) batch.bytes += size;
      batch.files.set(absolute, {
        target: write.target,
        before: fits ? write.before : 'not-kept',
        afterHash: write.after && hashBytes(write.after),
        createdDirectory: write.createdDirectory,
      });
    },
    get canUndo() {
      return batches.length > 0;
    },
    nextUndo() {
      const batch = batches.at(-1);
      return batch && planUndo(batch);
    },
    undoLastBatch() {
      const run = queue.then(async () => {
        const batch = batches.pop();
        return batch && undoBatch(batch);
      });
      queue = run.catch(() => {});
      return run;
    },
    firstKnown() {
      const first = new Map<string, FileHistory>();
      for (const batch of batches) for (const [absolute, file] of batch.files) if (!first.has(absolute)) first.set(absolute, file);
      return [...first.values()].map((file) => ({ target: file.target, before: file.before }));
    },
    endBatch() {
      const last = batches.at(-1);
      if (last) last.isOpen = false;
    },
  };
}

function planUndo(batch: Batch): UndoPlan {
  const files = [...batch.files.values()].reverse().filter((file) => !isCreatedAndDeleted(file));
  const restore = files.filter((file) => file.before !== undefined).map((file) => file.target.shownPath);
  const remove = files.filter((file) => file.before === undefined).map((file) => file.target.shownPath);
  const parts = [
    ...(restore.length > 0 ? [`restore ${plural(restore.length, 'file')} (${restore.join(', ')})`] : []),
    ...(remove.length > 0 ? [`delete ${plural(remove.length, 'file')} it created (${remove.join(', ')})`] : []),
  ];
  const description = `Undo the last edit: ${parts.join(' and ')}. Only file edits are undone, not commands run with bash.`;
  return { batchId: batch.id, restore, remove, description };
}

/** Undoes each file of a batch, the most recently written first. */
async function undoBatch(batch: Batch): Promise<UndoResult> {
  const result: UndoResult = { restored: [], removed: [], skipped: [] };
  for (const file of [...batch.files.values()].reverse()) {
    const shown = file.target.shownPath;
    const before = file.before;
    if (isCreatedAndDeleted(file)) continue;
    if (before === 'not-kept') {
      result.skipped.push({ path: shown, reason: 'its earlier contents were too large to keep for undo' });
      continue;
    }
    try {
      const reason = await whyChanged(file);
      if (reason !== undefined) {
        result.skipped.push({ path: shown, reason });
      } else if (before === undefined) {
        await unlink(file.target.absolute);
        await removeCreatedDirectories(file);
        result.removed.push(shown);
      } else {
        await writeFileAtomic(file.target.absolute, before.bytes, before.mode);
        result.restored.push(shown);
      }
    } catch (error) {
      result.skipped.push({ path: shown, reason: `it could not be changed: ${toWriteError(error, shown).message}` });
    }
  }
  return result;
}

/** A file the batch both created and deleted: there is nothing to undo. */
function isCreatedAndDeleted(file: FileHistory): boolean {
  return file.before === undefined && file.afterHash === undefined;
}

/** Why a file must be left as it is, or undefined when it is still exactly what shoal wrote. */
async function whyChanged(file: FileHistory): Promise<string | undefined> {
  const { root, absolute } = file.target;
  // A symlink swapped in since could point the restore somewhere else, even outside the workspace.
  if ((await resolveInWorkspace(root, absolute).catch(() => undefined)) !== absolute) {
    return 'its path now leads somewhere else (a symlink changed)';
  }
  let current: Buffer | undefined;
  try {
    current = await readRegularFile(absolute, MAX_EDIT_BYTES);
  } catch (error) {
    return `it is no longer a file shoal can read back (${(error as Error).message})`;
  }
  if (current === undefined) return file.afterHash === undefined ? undefined : 'it was deleted after shoal wrote it';
  if (file.afterHash === undefined) return 'it was created again after shoal deleted it';
  if (hashBytes(current) !== file.afterHash) return 'it changed after shoal wrote it (edited since); left as it is';
  return undefined;
}

/** Removes the directories a created file's write made, innermost first, stopping at one that is not empty. */
export async function removeCreatedDirectories(file: { target: ToolPath; createdDirectory?: string }): Promise<void> {
  const outermost = file.createdDirectory;
  if (outermost === undefined) return;
  for (let directory = path.dirname(file.target.absolute); isInside(outermost, directory); directory = path.dirname(directory)) {
    const isRemoved = await rmdir(directory).then(() => true, () => false);
    if (!isRemoved || directory === outermost) return;
  }
}
