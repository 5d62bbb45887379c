import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { comparePaths } from '../../workspace/find-files';
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
 * with nothing found becomes an Error carrying rg's own message.
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
  let run = await readRipgrep(options, args, (query.maxResults + 1) * READ_AHEAD);
  if (run.isCut) run = await readRipgrep(options, ['--sort=path', ...args], query.maxResults + 1);
  sortByPath(run.lines);
  return { lines: cutAfterMatches(run.lines, query.maxResults + 1), isTimedOut: false, skippedLargeFiles: [], skippedSpecialFiles: [] };
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
): Promise<{ lines: GrepLine[]; isCut: boolean }> {
  const { signal } = options;
  signal.throwIfAborted();
  const child = spawn(options.command ?? 'rg', args, { cwd: options.root, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: GrepLine[] = [];
  let matchCount = 0;
  let isCut = false;
  let isBlocked = false;
  let rest = '';
  let stderr = '';
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
    if (stderr.length < MAX_STDERR_CHARS) stderr += chunk;
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
  signal.throwIfAborted();
  if (isBlocked) throw new RipgrepBlockedError('rg waited on a FIFO in the workspace');
  if (exit.error?.code === 'ENOENT') {
    throw new Error('ripgrep (rg) is not on PATH; install it or run grep with the built-in backend.');
  }
  if (exit.error) throw new Error(`rg failed: ${exit.error.message}`);
  if (exit.code === 2 && lines.length === 0) {
    const message = stderr.trim() || `exit code ${exit.code}`;
    if (message.includes('regex parse error')) {
      throw new Error(`Invalid regex ${JSON.stringify(options.query.pattern)} (ripgrep syntax): ${message}`);
    }
    throw new Error(`rg failed: ${message}`);
  }
  return { lines, isCut };
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
