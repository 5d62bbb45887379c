import type { FileChanges, RestoreReport } from '../../checkpoints';
import { toVisibleText } from '../visible-text';

/** Most files the confirmation names one by one; the rest are counted. */
const MAX_FILES_SHOWN = 30;

/** Marks a file that none of shoal's file edits wrote: a command, or the user, changed it. */
export const OUTSIDE_MARK = '(not by shoal’s file edits)';

/**
 * The lines naming every file a restore will touch, by what happens to it;
 * each file `shoalWrote` lacks is marked, so changes made outside shoal's
 * edits (commands, the user's editor) are never put back unseen.
 */
export function restorePlanLines(changes: FileChanges, shoalWrote: ReadonlySet<string>): string[] {
  const rows: string[] = [];
  const add = (verb: string, paths: readonly string[]) => {
    for (const file of paths) rows.push(`  ${verb} ${toVisibleText(file)}${shoalWrote.has(file) ? '' : `  ${OUTSIDE_MARK}`}`);
  };
  add('remove ', changes.added);
  add('restore', changes.modified);
  add('recreate', changes.deleted);
  if (rows.length <= MAX_FILES_SHOWN) return rows;
  return [...rows.slice(0, MAX_FILES_SHOWN), `  … and ${rows.length - MAX_FILES_SHOWN} more`];
}

/** How many files a restore will touch. */
export function changedCount(changes: FileChanges): number {
  return changes.added.length + changes.modified.length + changes.deleted.length;
}

/** What a restore did, for the transcript (and, on one line, for the model). */
export function restoreText(report: RestoreReport, what: string): string {
  const lines = [`Put the files back as they were ${what}.`];
  const list = (paths: readonly string[]) => paths.map(toVisibleText).join(', ');
  if (report.restored.length > 0) lines.push(`  restored ${list(report.restored)}`);
  if (report.removed.length > 0) lines.push(`  removed ${list(report.removed)}`);
  if (report.kept.length > 0) lines.push(`  left as they are (too large to checkpoint then): ${list(report.kept)}`);
  for (const failure of report.failed) lines.push(`  could not put back ${toVisibleText(failure.path)}: ${failure.reason}`);
  return lines.join('\n');
}
