import { z } from 'zod';
import { comparePaths, findFiles, type SkippedFile, type UnreadablePath } from '../workspace/find-files';
import { capLines, plural } from './output-cap';
import { skippedNote, unreadableNote } from './skipped-note';
import { describePath, resolveToolPath, statToolPath } from '../workspace/tool-path';
import type { ShoalTool, ToolOptions } from './types';

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

/** Finds files by name pattern, newest first, skipping what .gitignore ignores. */
export function createGlobTool(options: ToolOptions): ShoalTool<GlobInput> {
  return {
    name: 'glob',
    description:
      'Find files by name with a glob pattern (fast-glob syntax: **, *, ?, {a,b}, [abc]) matched relative to path. ' +
      'Returns workspace-relative file paths, most recently modified first, at most 1000. ' +
      'Includes dot files but skips .git and anything .gitignore ignores; lists regular files only, not directories, ' +
        'symlinks (never followed) or FIFOs and devices. ' +
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
      const skipped: SkippedFile[] = [];
      const unreadable: UnreadablePath[] = [];
      const files = await findFiles({
        root,
        directory: absolute,
        pattern: input.pattern,
        signal,
        onSkipped: (file) => skipped.push(file),
        onUnreadable: (entry) => unreadable.push(entry),
      });
      const notes = [skippedNote(skipped), unreadableNote(unreadable)].filter((note) => note !== undefined);
      if (files.length === 0) {
        return { output: [`No files match ${withBase(input.pattern, directory.shownPath)}.`, ...notes].join('\n'), summary: '0 files' };
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
      lines.push(...notes);
      return { output: lines.join('\n'), summary: plural(files.length, 'file') };
    },
  };
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
