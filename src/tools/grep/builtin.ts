import { findFilesInOrder, type FoundFile, type SkippedFile, type UnreadablePath } from '../../workspace/find-files';
import { hasVanished } from '../../workspace/gitignore';
import type { GrepQuery, GrepSearchResult } from './query';
import { getSearchPool, type SearchPool } from './pool';
import type { SearchJob, SearchJobResult } from './search';

/** What the built-in search looks in: one named file, or every matching file below a directory. */
export type BuiltinTarget = { type: 'file'; file: FoundFile } | { type: 'directory'; absolute: string };

/** The most files one job holds: small enough that a search with enough matches stops soon. */
const FILES_PER_JOB = 128;

/**
 * Searches files in path order with a JavaScript RegExp: this thread walks
 * the tree and hands runs of files, as they are found, to the pool's worker
 * threads, which read and match them. Stops once the files searched, in path
 * order, hold more than `maxResults` matches, or `deadline` (a `Date.now()`
 * value) passes. Skips binary and huge files, and names the FIFOs, sockets
 * and devices it skips.
 */
export async function searchBuiltin(options: {
  root: string;
  target: BuiltinTarget;
  query: GrepQuery;
  regex: RegExp;
  deadline: number;
  signal: AbortSignal;
  pool?: SearchPool;
}): Promise<GrepSearchResult> {
  const { query, target, signal } = options;
  const pool = options.pool ?? getSearchPool();
  const toJob = (files: FoundFile[]): SearchJob => ({
    root: options.root,
    paths: files.map((file) => file.path),
    source: options.regex.source,
    flags: options.regex.flags,
    contextLines: query.contextLines,
    maxResults: query.maxResults,
    deadline: options.deadline,
  });

  // Jobs in path order; results[i] answers jobs[i]. The search is answered once
  // the jobs done from the first on hold enough matches, or one of them timed out.
  const jobs: SearchJob[] = [];
  const results: (SearchJobResult | undefined)[] = [];
  let doneCount = 0;
  let matchesSoFar = 0;
  let isAnswered = false;
  let isOutOfTime = false;
  const collect = (index: number, result: SearchJobResult) => {
    results[index] = result;
    while (!isAnswered && results[doneCount] !== undefined) {
      const done = results[doneCount++]!;
      matchesSoFar += done.matchCount;
      isAnswered = done.isTimedOut || matchesSoFar > query.maxResults;
    }
  };

  const skippedSpecialFiles: SkippedFile[] = [];
  const unreadableFolders: UnreadablePath[] = [];
  let isWalkDone = false;
  const idleRunners: (() => void)[] = [];
  const wakeRunners = () => idleRunners.splice(0).forEach((wake) => wake());
  const walk = async () => {
    try {
      const runs =
        target.type === 'file'
          ? [[target.file]]
          : findFilesInOrder({
              root: options.root,
              directory: target.absolute,
              pattern: includePattern(query.include),
              signal,
              withStats: false,
              onSkipped: (skipped) => skippedSpecialFiles.push(skipped),
              onUnreadable: (unreadable) => unreadableFolders.push(unreadable),
            });
      for await (const run of runs) {
        for (let start = 0; start < run.length; start += FILES_PER_JOB) {
          jobs.push(toJob(run.slice(start, start + FILES_PER_JOB)));
        }
        wakeRunners();
        if (isAnswered || Date.now() >= options.deadline) break;
      }
    } finally {
      isWalkDone = true;
      wakeRunners();
    }
  };
  const runJobs = async (nextJob: { index: number }) => {
    while (!isAnswered) {
      if (Date.now() >= options.deadline) {
        isOutOfTime = true;
        return;
      }
      if (nextJob.index < jobs.length) {
        const index = nextJob.index++;
        collect(index, await pool.run(jobs[index]!, signal));
      } else if (isWalkDone) {
        return;
      } else {
        await new Promise<void>((resolve) => idleRunners.push(resolve));
      }
    }
  };
  const nextJob = { index: 0 };
  await Promise.all([walk(), ...Array.from({ length: pool.size }, () => runJobs(nextJob))]);
  signal.throwIfAborted();

  const answered = results.slice(0, doneCount) as SearchJobResult[];
  return {
    lines: answered.flatMap((result) => result.lines),
    isTimedOut: isOutOfTime || answered.some((result) => result.isTimedOut),
    skippedLargeFiles: answered.flatMap((result) => result.skippedLargeFiles),
    skippedSpecialFiles,
    unreadablePaths: [
      ...unreadableFolders,
      ...answered.flatMap((result) =>
        result.unreadableFiles.flatMap(({ path, code }) => (hasVanished(code) ? [] : [{ path, kind: 'file' as const, code }])),
      ),
    ],
  };
}

/** "*.ts" filters file names at any depth, as `rg --glob` does; a glob with "/" is taken as written. */
export function includePattern(include: string | undefined): string {
  if (include === undefined) return '**/*';
  return include.includes('/') ? include : `**/${include}`;
}
