import { readFile } from 'node:fs/promises';
import v8 from 'node:v8';
import { isBinary, isBinaryFile } from './binary';
import { comparePaths, findFiles, type FoundFile } from './glob';
import type { GrepLine, GrepQuery, GrepSearchResult } from './grep';

// A catastrophic pattern such as (a+)+$ would block the process on one line
// for minutes, out of reach of any time cap. This V8 flag moves a regex that
// backtracks too much onto its linear-time engine; patterns that engine cannot
// run (backreferences, lookarounds) keep backtracking, bounded by the time cap.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Bigger files are skipped (and named) rather than read: they are logs and bundles more often than code. */
export const MAX_SEARCH_FILE_BYTES = 5 * 1024 * 1024;

/** Files read at once: enough to hide disk latency without a storm of open handles. */
const CONCURRENCY = 16;

/** How often (in lines) a file scan looks at the clock and the abort signal. */
const CHECK_EVERY_LINES = 64;

/** What the built-in search looks in: one named file, or every matching file below a directory. */
export type BuiltinTarget = { type: 'file'; file: FoundFile } | { type: 'directory'; absolute: string };

interface FileSearch {
  lines: GrepLine[];
  matchCount: number;
  isTimedOut: boolean;
  isTooLarge: boolean;
}

/**
 * Searches files in path order, 16 at a time, with a JavaScript RegExp, and
 * stops scheduling files once the finished prefix holds more than `maxResults`
 * matches or `deadline` (a `Date.now()` value) passes. Skips binary and huge files.
 */
export async function searchBuiltin(options: {
  root: string;
  target: BuiltinTarget;
  query: GrepQuery;
  regex: RegExp;
  deadline: number;
  signal: AbortSignal;
}): Promise<GrepSearchResult> {
  const { query, target, signal } = options;
  const pattern = includePattern(query.include);
  const files =
    target.type === 'file'
      ? [target.file]
      : await findFiles({ root: options.root, directory: target.absolute, pattern, signal });
  files.sort((a, b) => comparePaths(a.path, b.path));
  const prefilter = buildPrefilter(options.regex);
  const searches: (FileSearch | undefined)[] = new Array(files.length);
  let next = 0;
  let settled = 0;
  let settledMatches = 0;
  let isDone = false;
  const worker = async () => {
    while (!isDone && next < files.length) {
      const index = next++;
      const search = await searchFile(files[index]!, { ...options, prefilter });
      searches[index] = search;
      if (search.isTimedOut) isDone = true;
      // Later files cannot be shown once the files before them already hold enough matches.
      while (settled < files.length && searches[settled] !== undefined) {
        settledMatches += searches[settled++]!.matchCount;
        if (settledMatches > query.maxResults) isDone = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, Math.max(1, files.length)) }, worker));
  const finished = searches.filter((search) => search !== undefined);
  return {
    lines: finished.flatMap((search) => search.lines),
    isTimedOut: finished.some((search) => search.isTimedOut),
    skippedLargeFiles: files.filter((_, index) => searches[index]?.isTooLarge).map((file) => file.path),
  };
}

async function searchFile(
  file: FoundFile,
  options: { query: GrepQuery; regex: RegExp; prefilter: RegExp | undefined; deadline: number; signal: AbortSignal },
): Promise<FileSearch> {
  const empty: FileSearch = { lines: [], matchCount: 0, isTimedOut: false, isTooLarge: false };
  if (file.size > MAX_SEARCH_FILE_BYTES) {
    // Only big text files are worth naming; a big binary is skipped as quietly as a small one.
    const isText = !(await isBinaryFile(file.absolute).catch(() => true));
    return { ...empty, isTooLarge: isText };
  }
  if (Date.now() >= options.deadline) return { ...empty, isTimedOut: true };
  // A file that vanished or cannot be read is simply not part of the results, as with rg.
  const buffer = await readFile(file.absolute, { signal: options.signal }).catch(() => {
    options.signal.throwIfAborted();
    return undefined;
  });
  if (buffer === undefined || isBinary(buffer)) return empty;
  const text = buffer.toString('utf8');
  if (options.prefilter && !options.prefilter.test(text)) return empty;

  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const matches: number[] = [];
  let isTimedOut = false;
  for (let index = 0; index < lines.length && matches.length <= options.query.maxResults; index++) {
    if (index % CHECK_EVERY_LINES === 0) {
      options.signal.throwIfAborted();
      if (Date.now() >= options.deadline) {
        isTimedOut = true;
        break;
      }
    }
    if (options.regex.test(lines[index]!)) matches.push(index);
  }
  const found = withContext(file.path, lines, matches, options.query.contextLines);
  return { lines: found, matchCount: matches.length, isTimedOut, isTooLarge: false };
}

/** The matching lines plus `contextLines` around each, merged where windows touch. */
function withContext(path: string, lines: string[], matches: number[], contextLines: number): GrepLine[] {
  const matchSet = new Set(matches);
  const result: GrepLine[] = [];
  let nextIndex = 0;
  for (const match of matches) {
    const last = Math.min(match + contextLines, lines.length - 1);
    for (let index = Math.max(match - contextLines, nextIndex); index <= last; index++) {
      result.push({ path, line: index + 1, text: lines[index]!, isMatch: matchSet.has(index) });
    }
    nextIndex = Math.max(nextIndex, last + 1);
  }
  return result;
}

/**
 * One test over the whole file skips most files without splitting them into
 * lines. With the `m` flag it finds every line match and maybe more, except
 * when lookarounds could see the newline, so those patterns go without.
 */
function buildPrefilter(regex: RegExp): RegExp | undefined {
  if (/\(\?<?[=!]/.test(regex.source)) return undefined;
  return new RegExp(regex.source, `${regex.flags}m`);
}

/** "*.ts" filters file names at any depth, as `rg --glob` does; a glob with "/" is taken as written. */
function includePattern(include: string | undefined): string {
  if (include === undefined) return '**/*';
  return include.includes('/') ? include : `**/${include}`;
}
