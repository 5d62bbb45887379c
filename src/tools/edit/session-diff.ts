import { readRegularFile } from '../../workspace/regular-file';
import { decodeText } from '../../workspace/text-encoding';
import { diffEdit, MAX_EDIT_BYTES } from './file-edit';
import type { WriteJournal } from './write-journal';

/** What this session's file edits changed, from each file's first-known contents to what is on disk now. */
export interface SessionDiff {
  /** One unified diff per changed file, in the order they were first written. */
  diffs: { path: string; diff: string; added: number; removed: number }[];
  /** Files that cannot be compared, with why (their earlier contents were too large to keep). */
  notes: string[];
}

/**
 * Diffs every file the write tools touched this session against its contents
 * before shoal's first write to it. Files back as they were are left out.
 * Contract: never rejects; an unreadable file is a note.
 */
export async function sessionDiff(journal: WriteJournal): Promise<SessionDiff> {
  const result: SessionDiff = { diffs: [], notes: [] };
  for (const { target, before } of journal.firstKnown()) {
    const shown = target.shownPath;
    if (before === 'not-kept') {
      result.notes.push(`${shown}: its earlier contents were too large to keep`);
      continue;
    }
    let now: Uint8Array | undefined;
    try {
      // A FIFO swapped in by a command must not hang /diff; a file grown huge is not diffed.
      now = await readRegularFile(target.absolute, MAX_EDIT_BYTES);
    } catch (error) {
      result.notes.push(`${shown}: cannot be read now (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      continue;
    }
    if (now === undefined && before === undefined) continue;
    if (now !== undefined && before !== undefined && Buffer.from(now).equals(Buffer.from(before.bytes))) continue;
    const after = now === undefined ? '' : decodeText(now).text;
    const edit = diffEdit({ target, before: before === undefined ? undefined : decodeText(before.bytes).text, after, mode: undefined });
    result.diffs.push({ path: shown, diff: now === undefined ? `${edit.diff}\n(deleted since)` : edit.diff, added: edit.added, removed: edit.removed });
  }
  return result;
}
