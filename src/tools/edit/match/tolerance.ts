/**
 * What a match of `old_string` had to allow for, besides line endings (those
 * never count: a file keeps its own). Listed in the order the matcher tries them.
 */
export type Tolerance = 'trailing-whitespace' | 'indentation' | 'punctuation' | 'line-numbers' | 'blank-lines';

const ORDER: readonly Tolerance[] = ['line-numbers', 'blank-lines', 'trailing-whitespace', 'indentation', 'punctuation'];

/** Few words each, for a tool row's summary: "matched ignoring indentation". */
const SHORT: Record<Tolerance, string> = {
  'trailing-whitespace': 'trailing whitespace',
  indentation: 'indentation',
  punctuation: 'typographic punctuation',
  'line-numbers': 'line-number prefixes',
  'blank-lines': 'blank end lines',
};

/** A sentence part each, for what the model reads. */
const LONG: Record<Tolerance, string> = {
  'trailing-whitespace': 'trailing whitespace ignored',
  indentation: "indentation ignored (new_string was re-indented to the file's indentation at that place)",
  punctuation: "typographic quotes, dashes and no-break spaces read as their ASCII forms (lines you left unchanged keep the file's characters)",
  'line-numbers': "read_file's line-number prefixes removed from old_string (and from new_string where every line had one)",
  'blank-lines': 'blank lines at the ends of old_string (and the same ends of new_string) dropped',
};

/** `tolerances` deduplicated, in a fixed order. */
export function sortTolerances(tolerances: Iterable<Tolerance>): Tolerance[] {
  const set = new Set(tolerances);
  return ORDER.filter((tolerance) => set.has(tolerance));
}

/** "indentation and trailing whitespace": the short names joined for a summary. */
export function shortTolerances(tolerances: readonly Tolerance[]): string {
  return joinWords(sortTolerances(tolerances).map((tolerance) => SHORT[tolerance]));
}

/** The long descriptions joined with semicolons, for the model. */
export function longTolerances(tolerances: readonly Tolerance[]): string {
  return sortTolerances(tolerances).map((tolerance) => LONG[tolerance]).join('; ');
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
