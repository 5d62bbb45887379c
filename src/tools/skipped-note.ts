import { comparePaths, type SkippedFile, type UnreadablePath } from '../workspace/find-files';
import { shortenPath } from '../workspace/paths';
import { plural } from './output-cap';

/** How many names a note lists before "...". */
const MAX_NAMED = 5;

/**
 * "[Skipped 1 FIFO, 1 socket and 2 devices (a, b, c, d): not regular files, so not read.]",
 * or undefined when nothing was skipped: a FIFO or device in the tree is worth
 * a word, since a model told nothing may go and read_file it.
 */
export function skippedNote(skipped: readonly SkippedFile[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const file of skipped) {
    const noun = file.kind.replace(/^an? /, '');
    counts.set(noun, (counts.get(noun) ?? 0) + 1);
  }
  const kinds = [...counts].map(([noun, count]) => plural(count, noun));
  const listed = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`;
  const named = skipped.slice(0, MAX_NAMED).map((file) => file.path).join(', ') + (skipped.length > MAX_NAMED ? ', ...' : '');
  const isOne = skipped.length === 1;
  return `[Skipped ${listed} (${named}): ${isOne ? 'not a regular file' : 'not regular files'}, so not read.]`;
}

/** Why a path could not be read, in the note's words; other codes are shown as they are. */
const REASONS: Record<string, string> = {
  ENAMETOOLONG: 'path too long',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'symlink loop',
  EIO: 'I/O error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/**
 * "[Could not read 2 folders, so what they hold is missing from these results:
 * src/locked (permission denied); dddd…dddd (path too long: 21 levels, 4220 characters).]",
 * or undefined when everything was read: a model told nothing would take the
 * answer for the whole tree.
 */
export function unreadableNote(unreadable: readonly UnreadablePath[]): string | undefined {
  if (unreadable.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const entry of unreadable) counts.set(entry.kind, (counts.get(entry.kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, count]) => plural(count, kind));
  const listed = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`;
  // Sorted, since walks and rg's threads report in no set order.
  const sorted = [...unreadable].sort((a, b) => comparePaths(a.path, b.path));
  const named = sorted.slice(0, MAX_NAMED).map((entry) => {
    const reason = REASONS[entry.code] ?? entry.code;
    const depth = entry.path.split('/').length;
    const length = entry.code === 'ENAMETOOLONG' ? `: ${plural(depth, 'level')}, ${entry.path.length} characters` : '';
    return `${shortenPath(entry.path)} (${reason}${length})`;
  });
  const more = unreadable.length > MAX_NAMED ? `; and ${unreadable.length - MAX_NAMED} more` : '';
  const holds = unreadable.length === 1 ? 'what it holds is' : 'what they hold is';
  return `[Could not read ${listed}, so ${holds} missing from these results: ${named.join('; ')}${more}.]`;
}
