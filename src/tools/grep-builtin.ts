import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import v8 from 'node:v8';
import { isBinary } from './binary';
import { comparePaths, findFiles, type FoundFile } from './find-files';
import type { GrepLine, GrepQuery, GrepSearchResult } from './grep';

// A catastrophic pattern such as (a+)+$ would block the process on one line
// for minutes, out of reach of any time cap. This V8 flag moves a regex that
// backtracks too much onto its linear-time engine; patterns that engine cannot
// run (backreferences, lookarounds) keep backtracking, bounded by the time cap.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Bigger files are skipped (and named) rather than read: they are logs and bundles more often than code. */
export const MAX_SEARCH_FILE_BYTES = 5 * 1024 * 1024;

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
 * Searches files in path order with a JavaScript RegExp and stops once the
 * files searched hold more than `maxResults` matches or `deadline` (a
 * `Date.now()` value) passes. Skips binary and huge files. Files are read
 * synchronously in slices of a few milliseconds, yielding between slices:
 * on 20,000 files that is three times faster than a promise per file, and
 * the event loop (the TUI's spinners, an abort) still runs between slices.
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
  const files =
    target.type === 'file'
      ? [target.file]
      : await findFiles({ root: options.root, directory: target.absolute, pattern: includePattern(query.include), signal, withStats: false });
  files.sort((a, b) => comparePaths(a.path, b.path));
  const scan = { ...options, prefilter: buildPrefilter(options.regex), needle: literalNeedle(query) };
  const lines: GrepLine[] = [];
  const skippedLargeFiles: string[] = [];
  let matches = 0;
  let isTimedOut = false;
  let sliceStarted = Date.now();
  for (const file of files) {
    if (Date.now() - sliceStarted >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = Date.now();
    }
    signal.throwIfAborted();
    if (Date.now() >= options.deadline) {
      isTimedOut = true;
      break;
    }
    const search = searchFile(file, scan);
    if (search.isTooLarge) skippedLargeFiles.push(file.path);
    lines.push(...search.lines);
    matches += search.matchCount;
    if (search.isTimedOut) isTimedOut = true;
    // Later files cannot be shown once the files before them already hold enough matches.
    if (isTimedOut || matches > query.maxResults) break;
  }
  return { lines, isTimedOut, skippedLargeFiles };
}

/** Work done between two yields to the event loop. */
const SLICE_MS = 8;

function searchFile(
  file: FoundFile,
  options: { query: GrepQuery; regex: RegExp; prefilter: RegExp | undefined; needle: Buffer | undefined; deadline: number; signal: AbortSignal },
): FileSearch {
  const empty: FileSearch = { lines: [], matchCount: 0, isTimedOut: false, isTooLarge: false };
  const buffer = readSmallFile(file.absolute);
  if (buffer === 'too-large') return { ...empty, isTooLarge: !isBinaryFileSync(file.absolute) };
  // A file that vanished or cannot be read is simply not part of the results, as with rg.
  if (buffer === undefined || isBinary(buffer)) return empty;
  // A literal pattern is looked for in the bytes: most files never need decoding.
  if (options.needle && buffer.indexOf(options.needle) === -1) return empty;
  const text = buffer.toString('utf8');
  if (options.prefilter && !options.prefilter.test(text)) return empty;

  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const matches: number[] = [];
  let isTimedOut = false;
  for (let index = 0; index < lines.length && matches.length <= options.query.maxResults; index++) {
    if (index % CHECK_EVERY_LINES === 0 && Date.now() >= options.deadline) {
      isTimedOut = true;
      break;
    }
    if (options.regex.test(lines[index]!)) matches.push(index);
  }
  const found = withContext(file.path, lines, matches, options.query.contextLines);
  return { lines: found, matchCount: matches.length, isTimedOut, isTooLarge: false };
}

/** The file's bytes, 'too-large' past the search limit (known from fstat, before reading), or undefined when unreadable. */
function readSmallFile(absolute: string): Buffer | 'too-large' | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_SEARCH_FILE_BYTES) return 'too-large';
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const count = readSync(fd, buffer, read, size - read, read);
      if (count === 0) break;
      read += count;
    }
    return buffer.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isBinaryFileSync(absolute: string): boolean {
  const head = readSmallFileHead(absolute);
  return head === undefined || isBinary(head);
}

function readSmallFileHead(absolute: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, 'r');
    const head = Buffer.alloc(8192);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The pattern's bytes when it is a plain, case-sensitive literal (no regex syntax at all). */
function literalNeedle(query: GrepQuery): Buffer | undefined {
  if (query.ignoreCase || query.pattern === '' || /[\\^$.*+?()[\]{}|]/.test(query.pattern)) return undefined;
  return Buffer.from(query.pattern, 'utf8');
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
