// Runs inside the grep worker threads, loaded by Node itself when tests run
// from source: relative imports carry their .ts extension, and the types
// imported from ./query are erased.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import v8 from 'node:v8';
import { isBinary, isBinaryFileSync } from '../../workspace/binary.ts';
import { SAFE_OPEN_FLAGS } from '../../workspace/regular-file.ts';
import type { GrepLine } from './query';

// A catastrophic pattern such as (a+)+$ would block a worker on one line for
// minutes. This V8 flag (process-wide) moves a regex that backtracks too much
// onto its linear-time engine; patterns that engine cannot run (backreferences,
// lookarounds) keep backtracking, and the pool stops the worker at the time cap.
v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Bigger files are skipped (and named) rather than read: they are logs and bundles more often than code. */
export const MAX_SEARCH_FILE_BYTES = 5 * 1024 * 1024;

/** How often (in lines) a file scan looks at the clock. */
const CHECK_EVERY_LINES = 64;

/** A run of files for one worker, in path order. */
export interface SearchJob {
  /** The workspace root, symlinks resolved. */
  root: string;
  /** Workspace-relative, `/`-separated: plain strings, the cheapest thing to post to a thread. */
  paths: string[];
  /** The compiled pattern's source and flags, as `compileRegex` made them. */
  source: string;
  flags: string;
  contextLines: number;
  /** The job stops once its files hold more matches than this. */
  maxResults: number;
  /** A `Date.now()` value past which the job returns what it has. */
  deadline: number;
}

/** What a job found, in path order. */
export interface SearchJobResult {
  lines: GrepLine[];
  matchCount: number;
  /** The deadline passed before every file was searched. */
  isTimedOut: boolean;
  /** Text files over MAX_SEARCH_FILE_BYTES, by workspace path. */
  skippedLargeFiles: string[];
  /** Files that could not be opened or read, with the error code (gone ones included: the caller judges). */
  unreadableFiles: { path: string; code: string }[];
}

interface Matcher {
  regex: RegExp;
  /** Bytes every matching file contains, looked for before anything is decoded. */
  needle: Buffer | undefined;
  /** One test over a whole file, so most files are never split into lines. */
  prefilter: RegExp | undefined;
}

/** Searches the job's files in order with the job's regex; reads are synchronous (this is a worker). */
export function runSearchJob(job: SearchJob): SearchJobResult {
  const matcher = createMatcher(job.source, job.flags);
  const result: SearchJobResult = { lines: [], matchCount: 0, isTimedOut: false, skippedLargeFiles: [], unreadableFiles: [] };
  for (const path of job.paths) {
    if (Date.now() >= job.deadline) {
      result.isTimedOut = true;
      break;
    }
    const absolute = `${job.root}/${path}`;
    const bytes = readSmallFile(absolute);
    if (bytes === 'too-large') {
      if (isNamedAsTooLarge(absolute)) result.skippedLargeFiles.push(path);
      continue;
    }
    if (bytes === undefined) continue;
    if ('code' in bytes) {
      result.unreadableFiles.push({ path, code: bytes.code });
      continue;
    }
    const found = searchText(path, bytes, matcher, job);
    for (const line of found.lines) result.lines.push(line);
    result.matchCount += found.matchCount;
    if (found.isTimedOut) result.isTimedOut = true;
    // Later files cannot be shown once the files before them already hold enough matches.
    if (result.isTimedOut || result.matchCount > job.maxResults) break;
  }
  // A big file grew the scratch buffer; an idle worker should not keep megabytes for it.
  if (scratch.length > SCRATCH_BYTES) scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  return result;
}

function searchText(
  path: string,
  bytes: Buffer,
  matcher: Matcher,
  job: SearchJob,
): { lines: GrepLine[]; matchCount: number; isTimedOut: boolean } {
  const none = { lines: [], matchCount: 0, isTimedOut: false };
  if (matcher.needle && bytes.indexOf(matcher.needle) === -1) return none;
  if (isBinary(bytes)) return none;
  const text = bytes.toString('utf8');
  if (matcher.prefilter && !matcher.prefilter.test(text)) return none;

  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const matches: number[] = [];
  let isTimedOut = false;
  for (let index = 0; index < lines.length && matches.length <= job.maxResults; index++) {
    if (index % CHECK_EVERY_LINES === 0 && Date.now() >= job.deadline) {
      isTimedOut = true;
      break;
    }
    if (matcher.regex.test(lines[index]!)) matches.push(index);
  }
  return { lines: withContext(path, lines, matches, job.contextLines), matchCount: matches.length, isTimedOut };
}

let cachedMatcher: { key: string; matcher: Matcher } | undefined;

function createMatcher(source: string, flags: string): Matcher {
  const key = `${flags}/${source}`;
  if (cachedMatcher?.key !== key) {
    const literal = requiredLiteral(source, flags);
    const matcher = {
      regex: new RegExp(source, flags),
      needle: literal === undefined ? undefined : Buffer.from(literal, 'latin1'),
      prefilter: buildPrefilter(source, flags),
    };
    cachedMatcher = { key, matcher };
  }
  return cachedMatcher.matcher;
}

/**
 * One test over the whole file skips most files without splitting them into
 * lines. With the `m` flag it finds every line match and maybe more, except
 * when lookarounds could see the newline, so those patterns go without.
 */
function buildPrefilter(source: string, flags: string): RegExp | undefined {
  if (/\(\?<?[=!]/.test(source)) return undefined;
  return new RegExp(source, `${flags}m`);
}

/**
 * The longest run of plain ASCII characters that every match contains, read
 * off the pattern's top level, as ripgrep's literal extraction does: groups,
 * classes, escapes such as \w and optional atoms end a run, and an alternation
 * at the top level means there is none. Undefined with the `i` flag.
 */
export function requiredLiteral(source: string, flags: string): string | undefined {
  if (flags.includes('i')) return undefined;
  let best = '';
  let run = '';
  const endRun = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    let literal: string | undefined;
    if (char === '|') return undefined;
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      if (/^[!-/:-@[-`{-~]$/.test(next)) literal = next;
      index += escapeLength(source, index);
    } else if (char === '(' || char === '[') {
      index = skipBracketed(source, index);
    } else {
      // Regex syntax, and anything outside printable ASCII, is not a literal here.
      if (/^[ -~]$/.test(char) && !'.^$*+?{}]'.includes(char)) literal = char;
      index += 1;
    }
    const quantifier = /^(?:[*+?]|\{(\d+)(?:,\d*)?\})\??/.exec(source.slice(index));
    if (quantifier) {
      index += quantifier[0].length;
      const isRequired = quantifier[0][0] === '+' || (quantifier[1] !== undefined && Number(quantifier[1]) > 0);
      // A repeated atom is contiguous with what comes before it, not with what follows.
      if (literal !== undefined && isRequired) run += literal;
      endRun();
    } else if (literal === undefined) {
      endRun();
    } else {
      run += literal;
    }
  }
  endRun();
  return best === '' ? undefined : best;
}

/** Characters in the escape starting at `index` (a backslash), arguments included. */
function escapeLength(source: string, index: number): number {
  const rest = source.slice(index);
  const argument =
    /^\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|c[A-Za-z]|[pP]\{[^}]*\}|k<[^>]*>|\d+)/.exec(rest);
  return argument ? argument[0].length : Math.min(2, rest.length);
}

/** The index just past the group or class opening at `index`, nesting and escapes followed. */
function skipBracketed(source: string, index: number): number {
  let depth = 0;
  let isInClass = false;
  for (let at = index; at < source.length; at++) {
    const char = source[at];
    if (char === '\\') at++;
    else if (isInClass) isInClass = char !== ']';
    else if (char === '[') isInClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    if (depth === 0 && !isInClass) return at + 1;
  }
  return source.length;
}

/** One scratch buffer per thread: a file is decoded before the next read reuses it. */
const SCRATCH_BYTES = 256 * 1024;
let scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/**
 * The file's bytes (valid until the next read), 'too-large' past the limit,
 * the error code when it cannot be opened or read, or undefined when it is not
 * a regular file. The walk listed only regular files; the open flags and the
 * fstat keep a symlink, FIFO or device swapped in since from being followed,
 * waited on, or read past one buffer.
 */
function readSmallFile(absolute: string): Buffer | 'too-large' | { code: string } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, SAFE_OPEN_FLAGS);
    let read = readSync(fd, scratch, 0, scratch.length, 0);
    // A short read of a regular file ends it: most files take one read and no fstat.
    if (read < scratch.length) return scratch.subarray(0, read);
    const stats = fstatSync(fd);
    if (!stats.isFile()) return undefined;
    const size = stats.size;
    if (size > MAX_SEARCH_FILE_BYTES) return 'too-large';
    const grown = Buffer.allocUnsafe(Math.max(size + 1, scratch.length * 2));
    scratch.copy(grown, 0, 0, read);
    scratch = grown;
    for (let count = 1; count > 0 && read < scratch.length; read += count) {
      count = readSync(fd, scratch, read, scratch.length - read, read);
    }
    return read > MAX_SEARCH_FILE_BYTES ? 'too-large' : scratch.subarray(0, read);
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? 'EIO' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A big text file is named to the model; a big binary, or one that cannot be read now, is not. */
function isNamedAsTooLarge(absolute: string): boolean {
  try {
    return !isBinaryFileSync(absolute);
  } catch {
    return false;
  }
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
