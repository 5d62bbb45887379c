/** Lines of a file that look like a line a hunk expected: shown in errors only, never applied. */

/** A line of the file and how alike it is to the one looked for (0 to 1). */
export interface NearLine {
  /** 0-based index in the file. */
  index: number;
  text: string;
  score: number;
}

/** Below this likeness a line is no help to the model. */
const MIN_SCORE = 0.5;

/**
 * The `count` lines of `lines` most like `wanted`, best first, by the Dice
 * likeness of their character pairs with whitespace squashed: cheap enough for
 * a 10 MiB file, and it ranks a changed word or indent above an unrelated line.
 */
export function nearestLines(lines: readonly string[], wanted: string, count = 3): NearLine[] {
  const target = pairsOf(wanted);
  if (target.size === 0) return [];
  const scored: NearLine[] = [];
  lines.forEach((text, index) => {
    if (text.trim() === '') return;
    const score = likeness(target, pairsOf(text));
    if (score >= MIN_SCORE) scored.push({ index, text, score });
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, count);
}

/** The multiset of character pairs of a line, whitespace squashed to one space and trimmed. */
function pairsOf(line: string): Map<string, number> {
  const squashed = line.trim().replace(/\s+/g, ' ');
  const pairs = new Map<string, number>();
  // A one-character line is its own pair, so `}` can still be found.
  if (squashed.length === 1) pairs.set(squashed, 1);
  for (let index = 0; index + 1 < squashed.length; index++) {
    const pair = squashed.slice(index, index + 2);
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  return pairs;
}

function likeness(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  let total = 0;
  for (const count of a.values()) total += count;
  for (const count of b.values()) total += count;
  for (const [pair, count] of a) shared += Math.min(count, b.get(pair) ?? 0);
  return total === 0 ? 0 : (2 * shared) / total;
}
