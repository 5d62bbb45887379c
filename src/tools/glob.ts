import path from 'node:path';
import fg from 'fast-glob';
import { z } from 'zod';
import { loadGitignore } from './gitignore';
import { capLines, plural } from './output-cap';
import { describePath, resolveToolPath, statToolPath } from './tool-fs';
import type { ShoalTool, ToolOptions } from './types';
import { toWorkspacePath } from './workspace';

/** Most paths one call returns; the newest come first, so the cut drops the stalest. */
const MAX_RESULTS = 1000;
const MAX_OUTPUT_BYTES = 100 * 1024;

/** Input of the `glob` tool. */
export const globInputSchema = z.object({
  pattern: z
    .string()
    .min(1)
    .describe('Glob relative to path, e.g. "**/*.ts", "src/**/*.test.{ts,tsx}"; "*.md" matches the top level only.'),
  path: z.string().optional().describe('Directory to search from, relative to the workspace root. Default ".".'),
});

/** Input of the `glob` tool. */
export type GlobInput = z.infer<typeof globInputSchema>;

/** One file found by `findFiles`. */
export interface FoundFile {
  /** Workspace-relative, `/`-separated. */
  path: string;
  absolute: string;
  size: number;
  mtimeMs: number;
}

/** Finds files by name pattern, newest first, skipping what .gitignore ignores. */
export function createGlobTool(options: ToolOptions): ShoalTool<GlobInput> {
  return {
    name: 'glob',
    description:
      'Find files by name with a glob pattern (fast-glob syntax: **, *, ?, {a,b}, [abc]) matched relative to path. ' +
      'Returns workspace-relative file paths, most recently modified first, at most 1000. ' +
      'Includes dot files but skips .git and anything .gitignore ignores; lists files only, not directories. ' +
      'Use grep to search file contents. ' +
      'Batch independent read-only calls (read_file, list_dir, glob, grep) in one response; they run in parallel.',
    inputSchema: globInputSchema,
    kind: 'read-only',
    describe: (input) => withBase(input.pattern, describePath(options.cwd, input.path)),
    async execute(input, { signal }) {
      assertPatternStaysInside(input.pattern);
      const directory = await resolveToolPath(options.cwd, input.path ?? '.');
      if (!(await statToolPath(directory)).isDirectory()) {
        throw new Error(`${directory.shownPath} is a file; glob needs a directory as path.`);
      }
      const { root, absolute } = directory;
      const files = await findFiles({ root, directory: absolute, pattern: input.pattern, signal });
      if (files.length === 0) {
        return { output: `No files match ${withBase(input.pattern, directory.shownPath)}.`, summary: '0 files' };
      }
      files.sort((a, b) => b.mtimeMs - a.mtimeMs || comparePaths(a.path, b.path));
      const paths = files.map((file) => file.path);
      const { lines, cutBy } = capLines(paths, { maxLines: MAX_RESULTS, maxBytes: MAX_OUTPUT_BYTES });
      if (cutBy !== undefined) {
        lines.push(
          `[Showing the ${lines.length} most recently modified of ${files.length} files. ` +
            'Narrow the pattern or path to see the rest.]',
        );
      }
      return { output: lines.join('\n'), summary: plural(files.length, 'file') };
    },
  };
}

/**
 * Files under `directory` (absolute, inside `root`) matching `pattern`, with
 * dot files, without `.git`, gitignored paths or symlinks (which could lead
 * out of the workspace). Shared with grep's built-in search.
 */
export async function findFiles(options: {
  root: string;
  directory: string;
  pattern: string;
  signal: AbortSignal;
  /** Sizes and times cost one lstat per file (a quarter of a second on 20,000 files); grep does without. */
  withStats?: boolean;
}): Promise<FoundFile[]> {
  const base = toWorkspacePath(options.root, options.directory);
  const filter = await loadGitignore({ root: options.root, base, isNested: true, signal: options.signal });
  // Handing the ignored directories to fast-glob keeps it from walking node_modules and friends at all.
  const pruned = filter.ignoredDirectories.flatMap((directory) => {
    const escaped = fg.escapePath(path.posix.relative(base === '.' ? '' : base, directory));
    return [escaped, `${escaped}/**`];
  });
  const stream = fg.stream(options.pattern, {
    cwd: options.directory,
    dot: true,
    onlyFiles: true,
    stats: options.withStats ?? true,
    followSymbolicLinks: false,
    suppressErrors: true,
    ignore: ['**/.git', '**/.git/**', ...pruned],
  });
  const files: FoundFile[] = [];
  for await (const chunk of stream) {
    options.signal.throwIfAborted();
    // fast-glob types its stream loosely: an Entry with `stats: true`, a path string without.
    const entry = typeof chunk === 'string' ? { path: chunk, stats: undefined } : (chunk as unknown as fg.Entry);
    const workspacePath = base === '.' ? entry.path : `${base}/${entry.path}`;
    if (filter.isIgnored(workspacePath, false)) continue;
    files.push({
      path: workspacePath,
      absolute: path.join(options.directory, entry.path),
      size: entry.stats?.size ?? 0,
      mtimeMs: entry.stats?.mtimeMs ?? 0,
    });
  }
  return files;
}

/** Orders paths directory by directory ("a/b" before "a-c"), the way ripgrep's --sort=path does. */
export function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    if (left[index] !== right[index]) return left[index]! < right[index]! ? -1 : 1;
  }
  return left.length - right.length;
}

/** Refuses patterns that would leave their base directory (`..`, a leading `/`): they are joined to it. */
export function assertPatternStaysInside(pattern: string): void {
  if (pattern.startsWith('/') || pattern.split('/').includes('..')) {
    throw new Error(
      `The pattern ${pattern} must stay inside path: no leading "/" and no "..". ` +
        'Put the directory in path instead, e.g. { "pattern": "**/*.ts", "path": "src" }.',
    );
  }
}

/** "pattern" or "pattern in dir", for describe lines and messages. */
function withBase(pattern: string, directory: string): string {
  return directory === '.' ? pattern : `${pattern} in ${directory}`;
}
