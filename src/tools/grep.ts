import type { Stats } from 'node:fs';
import isSafeRegex from 'safe-regex2';
import { z } from 'zod';
import { assertPatternStaysInside } from './glob';
import { includePattern, searchBuiltin, type BuiltinTarget } from './grep/builtin';
import { MAX_SEARCH_FILE_BYTES } from './grep/search';
import { isRipgrepAvailable, RipgrepBlockedError, searchWithRipgrep } from './grep/ripgrep';
import type { GrepLine, GrepQuery, GrepSearchResult } from './grep/query';
import { capLines, formatBytes, plural, truncateLine } from './output-cap';
import { describePath, resolveToolPath, statToolPath, type ToolPath } from '../workspace/tool-path';
import type { ShoalTool, ToolOptions, ToolResult } from './types';
import { toWorkspacePath } from '../workspace/paths';
import { assertPatternInside } from '../workspace/find-files';
import { describeKind } from '../workspace/regular-file';
import { skippedNote, unreadableNote } from './skipped-note';

const DEFAULT_MAX_RESULTS = 200;
const MAX_LINE_CHARS = 500;
const MAX_OUTPUT_BYTES = 100 * 1024;
const DEFAULT_TIME_LIMIT_MS = 10_000;

/** Input of the `grep` tool. */
export const grepInputSchema = z.object({
  pattern: z
    .string()
    .min(1)
    .describe(
      'Regular expression matched against each line, e.g. "TODO|FIXME" or "function\\\\s+load\\\\w*". ' +
        'Escape ( ) [ ] { } . * + ? | to match them literally.',
    ),
  path: z.string().optional().describe('File or directory to search, relative to the workspace root. Default ".".'),
  include: z
    .string()
    .optional()
    .describe(
      'Only search files whose name matches this glob, e.g. "*.ts" or "*.{ts,tsx}"; ' +
        'with a "/" it matches paths below path, e.g. "src/**/*.ts".',
    ),
  ignoreCase: z.boolean().optional().describe('Match without regard to case. Default false.'),
  contextLines: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe('Lines of context before and after each match (0-10). Default 0.'),
  maxResults: z
    .number()
    .int()
    .min(1)
    .max(2000)
    .optional()
    .describe(`Most matching lines to return. Default ${DEFAULT_MAX_RESULTS}.`),
});

/** Input of the `grep` tool. */
export type GrepInput = z.infer<typeof grepInputSchema>;

/** Options of `createGrepTool`. */
export interface GrepToolOptions extends ToolOptions {
  /** "auto" (the default) uses rg when it is on PATH and the built-in search otherwise. */
  backend?: 'auto' | 'ripgrep' | 'builtin';
  /** How long the built-in search may run before it returns partial results. Default 10 s. */
  timeLimitMs?: number;
}

/** Searches file contents with a regex, through rg when available, otherwise in-process. */
export function createGrepTool(options: GrepToolOptions): ShoalTool<GrepInput> {
  return {
    name: 'grep',
    description:
      'Search file contents with a regular expression, line by line. Output is "path:line:content" for matches and ' +
      '"path-line-content" for context lines, grouped by file in path order, ' +
      '"--" between separate groups when contextLines > 0. ' +
      `Returns at most maxResults matching lines (default ${DEFAULT_MAX_RESULTS}); ` +
      `lines are cut at ${MAX_LINE_CHARS} characters. ` +
      'Skips .git, gitignored and binary files, FIFOs and devices (and, without ripgrep, files over 5 MiB); follows no symlinks. Use glob to find files by name. ' +
      'Batch independent read-only calls (read_file, list_dir, glob, grep) in one response; they run in parallel.',
    inputSchema: grepInputSchema,
    kind: 'read-only',
    describe: (input) => describeSearch(input, describePath(options.cwd, input.path)),
    async execute(input, { signal }) {
      const deadline = Date.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
      const target = await resolveToolPath(options.cwd, input.path ?? '.');
      const stats = await statToolPath(target);
      if (!stats.isFile() && !stats.isDirectory()) {
        // rg would wait forever on a FIFO it is named, and a device never ends.
        throw new Error(`${target.shownPath} is ${describeKind(stats)}, not a regular file; grep searches files and directories only.`);
      }
      const query = toQuery(input);
      const { root } = target;
      if (input.include !== undefined) {
        assertPatternStaysInside(input.include);
        if (stats.isDirectory()) await assertPatternInside({ root, directory: target.absolute, pattern: includePattern(input.include) });
      }
      const builtin = () =>
        searchBuiltin({ root, target: toBuiltinTarget(target, stats), query, regex: compileRegex(query), deadline, signal });
      const result =
        (await shouldUseRipgrep(options.backend)) && !ripgrepBlockedRoots.has(root)
          ? await searchWithRipgrep({ root, searchPath: toWorkspacePath(root, target.absolute), query, signal }).catch((error: unknown) => {
              if (!(error instanceof RipgrepBlockedError)) throw error;
              // A FIFO among the ignore files rg reads: the built-in search skips it; rg is not asked here again.
              ripgrepBlockedRoots.add(root);
              return builtin();
            })
          : await builtin();
      return formatResult(result, {
        query,
        described: describeSearch(input, target.shownPath),
        timeLimitMs: options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
      });
    },
  };
}

/** Workspaces where rg blocked on a FIFO: their searches use the built-in backend for the rest of the process. */
const ripgrepBlockedRoots = new Set<string>();

/** "auto" asks PATH once per process; a forced backend is taken at its word. */
async function shouldUseRipgrep(backend: GrepToolOptions['backend']): Promise<boolean> {
  if (backend === 'ripgrep') return true;
  return (backend ?? 'auto') === 'auto' && (await isRipgrepAvailable());
}

function toBuiltinTarget(target: ToolPath, stats: Stats): BuiltinTarget {
  if (!stats.isFile()) return { type: 'directory', absolute: target.absolute };
  const workspacePath = toWorkspacePath(target.root, target.absolute);
  return {
    type: 'file',
    file: { path: workspacePath, absolute: target.absolute, size: stats.size, mtimeMs: stats.mtimeMs },
  };
}

/** Applies defaults; a leading "(?i)", which rg users write, becomes `ignoreCase`. */
function toQuery(input: GrepInput): GrepQuery {
  const hasInlineFlag = input.pattern.startsWith('(?i)') && input.pattern.length > 4;
  return {
    pattern: hasInlineFlag ? input.pattern.slice(4) : input.pattern,
    ignoreCase: hasInlineFlag || (input.ignoreCase ?? false),
    include: input.include,
    contextLines: input.contextLines ?? 0,
    maxResults: input.maxResults ?? DEFAULT_MAX_RESULTS,
  };
}

/**
 * Compiles the pattern so a catastrophic one cannot hang shoal. Without the
 * `i` and `u` flags, V8 moves a regex that backtracks too much onto its
 * linear-time engine (see grep/builtin.ts), so `u` is used only when the pattern
 * needs it (\p{...}, \u{...}). With `i` or `u` that engine is off the table,
 * so a pattern with nested repetition, like (a+)+, is refused with advice.
 */
export function compileRegex(query: GrepQuery): RegExp {
  const needsUnicode = /\\[pP]\{|\\u\{/.test(query.pattern);
  const flags = `${query.ignoreCase ? 'i' : ''}${needsUnicode ? 'u' : ''}`;
  let regex: RegExp;
  try {
    regex = new RegExp(query.pattern, flags);
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new Error(
      `Invalid regex ${JSON.stringify(query.pattern)}: ${reason}. ` +
        'Fix the pattern, or escape ( ) [ ] { } . * + ? | with a backslash to match those characters literally.',
    );
  }
  if (flags !== '' && !isSafeRegex(regex)) {
    throw new Error(
      `The regex ${JSON.stringify(query.pattern)} nests repetition (like (a+)+) and could take exponential time on some lines. ` +
        'Rewrite it without a repeated group inside a repeat' + (query.ignoreCase ? ', or search case-sensitively.' : '.'),
    );
  }
  return regex;
}

function formatResult(
  result: GrepSearchResult,
  context: { query: GrepQuery; described: string; timeLimitMs: number },
): ToolResult {
  const { query } = context;
  const { lines, isCapped } = keepMatches(result.lines, query.maxResults, query.contextLines);
  const notes: string[] = [];
  if (isCapped) {
    notes.push(
      `[Stopped at ${query.maxResults} matches; there are more. ` +
        'Narrow the pattern, path or include, or raise maxResults (up to 2000).]',
    );
  }
  if (result.isTimedOut) {
    notes.push(
      `[Search stopped after ${context.timeLimitMs / 1000} s; results are partial. ` +
        'Use a simpler pattern or a narrower path or include.]',
    );
  }
  const skipped = result.skippedLargeFiles;
  if (skipped.length > 0) {
    const named = skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? ', ...' : '');
    notes.push(
      `[Skipped ${plural(skipped.length, 'file')} over ${formatBytes(MAX_SEARCH_FILE_BYTES)} (${named}); ` +
        'read_file with offset and limit reads them.]',
    );
  }
  for (const note of [skippedNote(result.skippedSpecialFiles), unreadableNote(result.unreadablePaths)]) {
    if (note !== undefined) notes.push(note);
  }
  const matchCount = lines.filter((line) => line.isMatch).length;
  const fileCount = new Set(lines.filter((line) => line.isMatch).map((line) => line.path)).size;
  const summary =
    `${plural(matchCount, 'match', 'matches')} in ${plural(fileCount, 'file')}` +
    (isCapped ? ' (capped)' : result.isTimedOut ? ' (partial)' : '');
  if (lines.length === 0) return { output: [`No matches for ${context.described}.`, ...notes].join('\n'), summary };

  const capped = capLines(renderLines(lines, query.contextLines), { maxLines: Infinity, maxBytes: MAX_OUTPUT_BYTES });
  if (capped.cutBy !== undefined) {
    notes.unshift(
      `[Output cut at ${formatBytes(MAX_OUTPUT_BYTES)}. ` +
        'Narrow the pattern, path or include, or lower contextLines, to see the rest.]',
    );
  }
  return { output: [...capped.lines, ...notes].join('\n'), summary };
}

/**
 * The lines up to the `maxResults`-th match and the context after it (up to the
 * next match); `isCapped` when a match was dropped.
 */
function keepMatches(
  lines: GrepLine[],
  maxResults: number,
  contextLines: number,
): { lines: GrepLine[]; isCapped: boolean } {
  let seen = 0;
  const lastIndex = lines.findIndex((line) => line.isMatch && ++seen === maxResults);
  if (lastIndex === -1) return { lines, isCapped: false };
  const lastMatch = lines[lastIndex]!;
  let end = lastIndex + 1;
  while (
    end < lines.length &&
    !lines[end]!.isMatch &&
    lines[end]!.path === lastMatch.path &&
    lines[end]!.line <= lastMatch.line + contextLines
  ) {
    end++;
  }
  return { lines: lines.slice(0, end), isCapped: lines.slice(end).some((line) => line.isMatch) };
}

/** grep's format: ":" after path and line for matches, "-" for context, "--" between groups that do not touch. */
function renderLines(lines: GrepLine[], contextLines: number): string[] {
  const output: string[] = [];
  let previous: GrepLine | undefined;
  for (const line of lines) {
    const isNewGroup = previous !== undefined && (previous.path !== line.path || line.line > previous.line + 1);
    if (contextLines > 0 && isNewGroup) output.push('--');
    const separator = line.isMatch ? ':' : '-';
    output.push(`${line.path}${separator}${line.line}${separator}${truncateLine(line.text, MAX_LINE_CHARS)}`);
    previous = line;
  }
  return output;
}

/** "/TODO/ in src (*.ts)", "/todo/i": a regex as the UI shows it. */
function describeSearch(input: GrepInput, shownPath: string): string {
  const where = shownPath === '.' ? '' : ` in ${shownPath}`;
  const include = input.include === undefined ? '' : ` (${input.include})`;
  return `/${input.pattern}/${input.ignoreCase ? 'i' : ''}${where}${include}`;
}
