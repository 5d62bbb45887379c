import { Fzf } from 'fzf';

/** One row of the `@` picker: a workspace path and which of its characters matched. */
export interface FileMatch {
  path: string;
  /** Indexes into `path` of the matched characters, for highlighting. */
  positions: ReadonlySet<number>;
}

/** Rows the picker shows at most. */
export const PICKER_ROWS = 8;

// fzf scores every path it is given: on 20,000 paths a one-letter query, which nearly
// all of them match, took ~100 ms a key (2 busy cores). So fzf ranks at most this many,
// picked by a cheap pass; at 500 even fzf's v2 algorithm (the better ranking) takes ~4 ms.
const MAX_RANKED = 500;

/** Ranks workspace paths against what follows an `@`; built once per file list, off the keypress path. */
export interface FileMatcher {
  find: (query: string) => FileMatch[];
}

/**
 * A fuzzy matcher (the fzf algorithm) over `paths`, returning the best
 * `PICKER_ROWS`. Each key first narrows the paths that hold the query's
 * letters in order (from the previous key's when the query grew); when more
 * than `MAX_RANKED` remain, those whose file name starts with or holds the
 * query, then the shortest, are the ones fzf ranks.
 */
export function createFileMatcher(paths: readonly string[]): FileMatcher {
  // Shortest first: with nothing typed, or too much matching, the shallowest files are the likeliest wanted.
  const byLength = [...paths].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const lower = byLength.map((path) => path.toLowerCase());
  const nameStart = byLength.map((path) => path.lastIndexOf('/') + 1);
  const everything = byLength.map((_, index) => index);
  let previous = { query: '', candidates: everything };
  return {
    find(query) {
      if (query === '') return byLength.slice(0, PICKER_ROWS).map((path) => ({ path, positions: new Set() }));
      const needle = query.toLowerCase();
      const pool = needle.startsWith(previous.query) ? previous.candidates : everything;
      const candidates = pool.filter((index) => isSubsequence(needle, lower[index]!));
      previous = { query: needle, candidates };
      const ranked = candidates.length > MAX_RANKED ? likeliest({ candidates, needle, lower, nameStart }) : candidates;
      const fzf = new Fzf(
        ranked.map((index) => byLength[index]!),
        // Paths are ASCII almost always: folding diacritics costs a pass per key; smart-case cost a fifth more.
        { limit: PICKER_ROWS, fuzzy: 'v2', normalize: false, casing: 'case-insensitive' },
      );
      return fzf.find(query).map((entry) => ({ path: entry.item, positions: entry.positions }));
    },
  };
}

/** Whether `text` holds `needle`'s characters in order, as every fzf match does. */
function isSubsequence(needle: string, text: string): boolean {
  let at = 0;
  for (let index = 0; index < needle.length; index++) {
    at = text.indexOf(needle[index]!, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

/** `MAX_RANKED` of a broad query's candidates: file names starting with it, then holding it, then paths holding it, then the rest; shortest first within each. */
function likeliest(options: { candidates: readonly number[]; needle: string; lower: readonly string[]; nameStart: readonly number[] }): number[] {
  const { candidates, needle, lower, nameStart } = options;
  const tiers: number[][] = [[], [], [], []];
  for (const index of candidates) {
    const path = lower[index]!;
    const found = path.indexOf(needle, nameStart[index]);
    const tier = found === nameStart[index] ? 0 : found !== -1 ? 1 : path.includes(needle) ? 2 : 3;
    tiers[tier]!.push(index);
  }
  return tiers.flat().slice(0, MAX_RANKED);
}
