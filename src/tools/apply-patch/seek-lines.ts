/**
 * Finds a hunk's lines in a file the way Codex does (exact, then trailing
 * whitespace ignored, then surrounding whitespace ignored, then typographic
 * punctuation read as ASCII: see Codex's `seek_sequence.rs`), except that a
 * match in two places is never taken: it is reported, for the caller to refuse.
 */
import { foldPunctuation } from '../edit/match/punctuation';

/** How loosely lines were compared, strictest first. */
export const MATCH_LEVELS = ['exact', 'trailing-whitespace', 'whitespace', 'punctuation'] as const;
/** One of MATCH_LEVELS. */
export type MatchLevel = (typeof MATCH_LEVELS)[number];

/** Where a sequence of lines is, or why it is not one place. */
export type SeekResult =
  | { type: 'found'; start: number; level: MatchLevel }
  /** The first two starts (0-based) at the strictest level that matched anywhere. */
  | { type: 'ambiguous'; starts: [number, number]; level: MatchLevel }
  | { type: 'missing' };

/** A stretch of the file a match must lie wholly inside: lines `from` to `to` (exclusive), 0-based. */
export interface LineRange {
  from: number;
  to: number;
}

const NORMALISE: Record<MatchLevel, (line: string) => string> = {
  exact: (line) => line,
  'trailing-whitespace': (line) => line.trimEnd(),
  whitespace: (line) => line.trim(),
  punctuation: (line) => foldPunctuation(line.trim()),
};

/** Seeks line sequences in one file, keeping each level's normalised lines once made. */
export interface LineSeeker {
  /**
   * Where `pattern` lies inside `range`. Each level is tried over the whole
   * range before the next; the first level with any match decides: one match
   * is found, two or more are ambiguous. With `isAtEnd` only the position that
   * ends at the range's end counts (`*** End of File`).
   */
  seek(pattern: readonly string[], range: LineRange, isAtEnd?: boolean): SeekResult;
  /** The line at `index` as the loosest level compares it. */
  loose(index: number): string;
}

/** A seeker over `lines` (line breaks and carriage returns already taken off). */
export function createLineSeeker(lines: readonly string[]): LineSeeker {
  const normalised = new Map<MatchLevel, string[]>();
  const linesAt = (level: MatchLevel) => {
    let found = normalised.get(level);
    if (!found) normalised.set(level, (found = lines.map(NORMALISE[level])));
    return found;
  };
  return {
    seek(pattern, range, isAtEnd = false) {
      if (pattern.length === 0 || pattern.length > range.to - range.from) return { type: 'missing' };
      const last = range.to - pattern.length;
      const first = isAtEnd ? last : range.from;
      for (const level of MATCH_LEVELS) {
        const file = linesAt(level);
        const wanted = pattern.map(NORMALISE[level]);
        const starts: number[] = [];
        for (let start = first; start <= last && starts.length < 2; start++) {
          if (wanted.every((line, offset) => file[start + offset] === line)) starts.push(start);
        }
        if (starts.length === 1) return { type: 'found', start: starts[0]!, level };
        if (starts.length > 1) return { type: 'ambiguous', starts: [starts[0]!, starts[1]!], level };
      }
      return { type: 'missing' };
    },
    loose(index) {
      return linesAt('punctuation')[index] ?? '';
    },
  };
}

/**
 * The lines an `@@` anchor at `anchor` heads: those after it up to and with
 * the first non-blank line indented no deeper than it (a closing brace, the
 * next function). Where no deeper line comes first (a Markdown heading), the
 * block reaches the end of the file.
 */
export function anchorBlock(lines: readonly string[], anchor: number): LineRange {
  const indent = indentOf(lines[anchor]!);
  let isNested = false;
  for (let index = anchor + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    if (indentOf(line) > indent) isNested = true;
    else return isNested ? { from: anchor + 1, to: index + 1 } : { from: anchor + 1, to: lines.length };
  }
  return { from: anchor + 1, to: lines.length };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
