import type { SkippedFile } from '../workspace/find-files';
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
