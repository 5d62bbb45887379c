import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { comparePaths, type UnreadablePath } from '../../workspace/find-files';
import { hasVanished } from '../../workspace/gitignore';
import type { GrepLine, GrepQuery, GrepSearchResult } from './query';

/** rg cuts lines past this many bytes to a preview; 2000 bytes always hold the 500 characters grep shows. */
const MAX_COLUMNS_BYTES = 2000;

let availability: Promise<boolean> | undefined;

/** Whether `rg` runs from PATH; asked once per process. */
export function isRipgrepAvailable(): Promise<boolean> {
  availability ??= import('execa')
    .then(({ execa }) => execa('rg', ['--version'], { reject: false, stdin: 'ignore', timeout: 5000 }))
    .then((result) => !result.failed);
  return availability;
}

/**
 * The rg arguments for a query under `searchPath` (workspace-relative): dot
 * files included, `.git` and gitignored files skipped, NUL after each path so
 * any file name parses. No --sort: it would make rg single-threaded (1.2x
 * slower on the benchmark's tree); results are sorted by path afterwards (see
 * searchWithRipgrep for when that is not enough). No
 * --max-filesize either: it costs rg a stat per file (measured: 20% slower),
 * and rg reads big files fast; the built-in search is the one that skips them.
 */
export function buildRipgrepArgs(query: GrepQuery, searchPath: string): string[] {
  return [
    '--line-number',
    '--with-filename',
    '--no-heading',
    '--null',
    '--color=never',
    '--hidden',
    '--no-require-git',
    '--glob=!.git',
    `--max-columns=${MAX_COLUMNS_BYTES}`,
    '--max-columns-preview',
    // One more than asked, so the caller can tell "exactly N" from "more than N".
    `--max-count=${query.maxResults + 1}`,
    query.ignoreCase ? '--ignore-case' : '--case-sensitive',
    ...(query.contextLines > 0 ? [`--context=${query.contextLines}`] : []),
    ...(query.include === undefined ? [] : [`--glob=${query.include}`]),
    '--regexp',
    query.pattern,
    '--',
    searchPath,
  ];
}

/** One line of rg's `--null` output: `path\0line:text` (match) or `path\0line-text` (context); `--` gives undefined. */
export function parseRipgrepLine(raw: string): GrepLine | undefined {
  const nul = raw.indexOf('\0');
  if (nul === -1) return undefined;
  const match = /^(\d+)([:-])(.*)$/s.exec(raw.slice(nul + 1));
  if (!match) return undefined;
  const path = raw.slice(0, nul).replace(/^\.\//, '');
  return { path, line: Number(match[1]), text: match[3]!.replace(/\r$/, ''), isMatch: match[2] === ':' };
}

/** Every line of a finished rg output, for tests and small outputs. */
export function parseRipgrepOutput(output: string): GrepLine[] {
  return output.split('\n').flatMap((raw) => parseRipgrepLine(raw) ?? []);
}

/**
 * Runs rg in `root` and reads its output as it streams, sorted by path and cut
 * one match past `maxResults`. rg prints files as its threads finish them, so
 * the run reads well past the cap and sorts; when even that is cut short, the
 * first matches in path order may not have been printed yet, and rg runs again
 * with --sort=path (one thread, printing in order), so a tree always gives the
 * same first matches. Exit code 1 (no matches) is an empty result; a failure
 * with nothing found becomes an Error carrying rg's own message, unless rg
 * only named paths it could not read, which come back as `unreadablePaths`.
 */
export async function searchWithRipgrep(options: {
  root: string;
  searchPath: string;
  query: GrepQuery;
  signal: AbortSignal;
  /** The rg executable; tests point it at a fake. */
  command?: string;
}): Promise<GrepSearchResult> {
  const { query } = options;
  const args = buildRipgrepArgs(query, options.searchPath);
  const first = await readRipgrep(options, args, (query.maxResults + 1) * READ_AHEAD);
  const run = first.isCut ? await readRipgrep(options, ['--sort=path', ...args], query.maxResults + 1) : first;
  sortByPath(run.lines);
  // A cut run stops rg before it meets every unreadable path: the two runs together name the most.
  const unreadable = new Map([...first.unreadable, ...run.unreadable].map((entry) => [entry.path, entry]));
  return {
    lines: cutAfterMatches(run.lines, query.maxResults + 1),
    isTimedOut: false,
    skippedLargeFiles: [],
    skippedSpecialFiles: [],
    unreadablePaths: await withKinds(options.root, [...unreadable.values()]),
  };
}

/** A path rg could not read, as its stderr names it. */
interface RipgrepPathError {
  path: string;
  code: string;
}

/** Error codes by the OS's numbers ("os error 36" is ENAMETOOLONG on Linux, 63 on macOS). */
const ERROR_CODES = new Map(Object.entries(constants.errno).map(([code, number]) => [number, code]));

/**
 * One stderr line of rg about a path it could not read, like
 * "rg: ./a/b: File name too long (os error 36)" (rg 14) or the same without
 * "rg: " (rg 13); undefined for anything else (a regex error, a bad ignore file).
 */
export function parseRipgrepPathError(line: string): RipgrepPathError | undefined {
  const match = /^(?:rg: )?(.+): [^:]+ \(os error (\d+)\)$/.exec(line);
  if (!match) return undefined;
  const number = Number(match[2]);
  return { path: match[1]!.replace(/^\.\//, ''), code: ERROR_CODES.get(number) ?? `os error ${number}` };
}

/** Tells folders from files in what rg could not read. */
async function withKinds(root: string, errors: RipgrepPathError[]): Promise<UnreadablePath[]> {
  return Promise.all(
    errors.map(async ({ path: workspacePath, code }) => ({ path: workspacePath, kind: await kindOf(path.join(root, workspacePath)), code })),
  );
}

/** One lstat; a path too long for that is looked up in its parent's listing; "path" when neither can tell. */
async function kindOf(absolute: string): Promise<UnreadablePath['kind']> {
  const stats = await lstat(absolute).catch(() => undefined);
  if (stats !== undefined) return stats.isDirectory() ? 'folder' : 'file';
  const name = path.basename(absolute);
  const entries = await readdir(path.dirname(absolute), { withFileTypes: true }).catch(() => []);
  const entry = entries.find((candidate) => candidate.name === name);
  return entry === undefined ? 'path' : entry.isDirectory() ? 'folder' : 'file';
}

/**
 * rg stopped because it would wait forever: it opened a FIFO (a repository can
 * commit one as `.gitignore`, and rg reads every ignore file it meets), where
 * the built-in search skips special files.
 */
export class RipgrepBlockedError extends Error {
  override readonly name = 'RipgrepBlockedError';
}

/** How often a running rg is checked for a thread stuck opening a FIFO. */
const WATCH_INTERVAL_MS = 200;

/**
 * True when one of the process's threads waits in the kernel for a FIFO's
 * other end (Linux names the wait `wait_for_partner`, or `fifo_open`).
 * Elsewhere it cannot tell and says false: the grep time limit is the backstop.
 */
export function isWaitingOnFifo(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((task) => {
      const wait = readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8');
      return wait === 'wait_for_partner' || wait === 'fifo_open';
    });
  } catch {
    return false;
  }
}

/** The most of rg's stderr kept for an error message. */
const MAX_STDERR_CHARS = 8 * 1024;

/**
 * Reads one rg run's lines until more than `matchLimit` matches (`isCut`) or
 * its end. Plain `spawn` and a split on each chunk rather than execa's line
 * iterator: execa doubled the CPU this thread spends per rg run (measured: 4
 * runs 43 ms against 21 ms), time a turn of parallel searches takes from rg
 * on a machine with few cores.
 */
async function readRipgrep(
  options: { root: string; query: GrepQuery; signal: AbortSignal; command?: string },
  args: string[],
  matchLimit: number,
): Promise<{ lines: GrepLine[]; isCut: boolean; unreadable: RipgrepPathError[] }> {
  const { signal } = options;
  signal.throwIfAborted();
  const child = spawn(options.command ?? 'rg', args, { cwd: options.root, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: GrepLine[] = [];
  let matchCount = 0;
  let isCut = false;
  let isBlocked = false;
  let rest = '';
  let stderrRest = '';
  let stderr = '';
  let pathErrorCount = 0;
  const unreadable: RipgrepPathError[] = [];
  // Paths rg could not read are kept apart from its other messages: they do not fail the search.
  const onStderrLine = (raw: string) => {
    const pathError = parseRipgrepPathError(raw);
    if (pathError === undefined) {
      if (stderr.length < MAX_STDERR_CHARS) stderr += `${raw}\n`;
      return;
    }
    pathErrorCount++;
    if (!hasVanished(pathError.code)) unreadable.push(pathError);
  };
  const stop = () => child.kill('SIGKILL');
  const onLine = (raw: string) => {
    const line = parseRipgrepLine(raw);
    if (!line) return;
    lines.push(line);
    if (line.isMatch && ++matchCount > matchLimit) {
      isCut = true;
      stop();
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    if (isCut) return;
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const raw of parts) {
      onLine(raw);
      if (isCut) return;
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const parts = (stderrRest + chunk).split('\n');
    stderrRest = parts.pop()!;
    parts.forEach(onStderrLine);
  });
  const watch = setInterval(() => {
    if (child.pid === undefined || !isWaitingOnFifo(child.pid)) return;
    isBlocked = true;
    stop();
  }, WATCH_INTERVAL_MS);
  signal.addEventListener('abort', stop, { once: true });
  // 'close' comes after the output has been read to its end; 'error' alone when rg could not start.
  const exit = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('close', (code: number | null) => resolve({ code }));
  });
  clearInterval(watch);
  signal.removeEventListener('abort', stop);
  if (!isCut && rest !== '') onLine(rest);
  if (stderrRest !== '') onStderrLine(stderrRest);
  signal.throwIfAborted();
  if (isBlocked) throw new RipgrepBlockedError('rg waited on a FIFO in the workspace');
  if (exit.error?.code === 'ENOENT') {
    throw new Error('ripgrep (rg) is not on PATH; install it or run grep with the built-in backend.');
  }
  if (exit.error) throw new Error(`rg failed: ${exit.error.message}`);
  // Exit code 2 with nothing found fails the search, unless all rg said was which paths it could not read.
  if (exit.code === 2 && lines.length === 0 && (stderr.trim() !== '' || pathErrorCount === 0)) {
    const message = stderr.trim() || `exit code ${exit.code}`;
    if (message.includes('regex parse error')) {
      throw new Error(`Invalid regex ${JSON.stringify(options.query.pattern)} (ripgrep syntax): ${message}`);
    }
    throw new Error(`rg failed: ${message}`);
  }
  return { lines, isCut, unreadable };
}

/** How many times the asked-for matches are read before sorting, at most. */
const READ_AHEAD = 10;

/** The lines up to and including the `count`-th match (context lines of later matches dropped). */
function cutAfterMatches(lines: GrepLine[], count: number): GrepLine[] {
  let seen = 0;
  const end = lines.findIndex((line) => line.isMatch && ++seen > count);
  return end === -1 ? lines : lines.slice(0, end);
}

/** Orders rg's per-file groups by path like the built-in search, keeping each file's lines in order. */
function sortByPath(lines: GrepLine[]): void {
  const firstSeen = new Map<string, number>();
  lines.forEach((line, index) => firstSeen.has(line.path) || firstSeen.set(line.path, index));
  lines.sort((a, b) => comparePaths(a.path, b.path) || firstSeen.get(a.path)! - firstSeen.get(b.path)!);
}
