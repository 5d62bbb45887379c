import type { Dirent } from 'node:fs';
import { readdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { loadGitignore } from '../workspace/gitignore';
import { capLines, plural } from './output-cap';
import { describePath, resolveToolPath, statToolPath, toFsError } from '../workspace/tool-path';
import type { ShoalTool, ToolOptions } from './types';
import { isInside, toWorkspacePath } from '../workspace/paths';
import { describeKind } from '../workspace/regular-file';

/** Most entries one call shows. */
const MAX_ENTRIES = 1000;
const MAX_OUTPUT_BYTES = 100 * 1024;

/** Input of the `list_dir` tool. */
export const listDirInputSchema = z.object({
  path: z.string().optional().describe('Directory to list, relative to the workspace root. Default ".".'),
});

/** Input of the `list_dir` tool. */
export type ListDirInput = z.infer<typeof listDirInputSchema>;

/** Lists one directory: subdirectories first with a trailing "/", gitignored entries left out. */
export function createListDirTool(options: ToolOptions): ShoalTool<ListDirInput> {
  return {
    name: 'list_dir',
    description:
      'List the entries of one directory (not recursive): subdirectories first with a trailing "/", then files, ' +
      'each group sorted by name; symlinks show as "name -> target", marked when they lead outside the workspace ' +
        '(never followed) or nowhere; FIFOs and devices are marked too. ' +
      'Entries .gitignore ignores, and .git, are left out and counted. At most 1000 entries. ' +
      'Use glob to find files deeper down. ' +
      'Batch independent read-only calls (read_file, list_dir, glob, grep) in one response; they run in parallel.',
    inputSchema: listDirInputSchema,
    kind: 'read-only',
    describe: (input) => describePath(options.cwd, input.path),
    async execute(input, { signal }) {
      const directory = await resolveToolPath(options.cwd, input.path ?? '.');
      if (!(await statToolPath(directory)).isDirectory()) {
        throw new Error(`${directory.shownPath} is a file, not a directory; use read_file to read it.`);
      }
      const base = toWorkspacePath(directory.root, directory.absolute);
      const [entries, gitignore] = await Promise.all([
        readdir(directory.absolute, { withFileTypes: true }).catch((error: unknown) => {
          throw toFsError(error, directory.shownPath);
        }),
        loadGitignore({ root: directory.root, base, signal }),
      ]);
      const visible = await gitignore.filterEntries(base, entries);
      visible.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || compareNames(a.name, b.name));
      const formatted = await Promise.all(
        visible.slice(0, MAX_ENTRIES).map((entry) => formatEntry(entry, directory.absolute, directory.root)),
      );
      const { lines } = capLines(formatted, { maxLines: MAX_ENTRIES, maxBytes: MAX_OUTPUT_BYTES });
      if (entries.length === 0) lines.push('(empty directory)');
      if (lines.length < visible.length) {
        lines.push(`[Showing ${lines.length} of ${visible.length} entries. Use glob with a pattern to narrow down.]`);
      }
      const ignoredCount = entries.length - visible.length;
      if (ignoredCount > 0) lines.push(`(${plural(ignoredCount, 'ignored entry', 'ignored entries')} not shown)`);
      return { output: lines.join('\n'), summary: plural(visible.length, 'entry', 'entries') };
    },
  };
}

/**
 * One line per entry. A symlink that leads out of the workspace, or nowhere,
 * and a FIFO or device, are marked: the other tools refuse them, and the mark
 * tells the model so before it tries.
 */
async function formatEntry(entry: Dirent, directory: string, root: string): Promise<string> {
  if (entry.isDirectory()) return `${entry.name}/`;
  if (entry.isFile()) return entry.name;
  if (!entry.isSymbolicLink()) return `${entry.name} [${describeKind(entry).replace(/^an? /, '')}, not a regular file]`;
  const absolute = path.join(directory, entry.name);
  const [target, real] = await Promise.all([
    readlink(absolute).catch(() => '?'),
    realpath(absolute).catch(() => undefined),
  ]);
  if (real === undefined) return `${entry.name} -> ${target} [broken link]`;
  if (!isInside(root, real)) return `${entry.name} -> ${target} [outside the workspace, not followed]`;
  return `${entry.name} -> ${target}`;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
