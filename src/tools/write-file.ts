import { z } from 'zod';
import { applyEdit, countLines, detectLineEnding, diffEdit, readExistingFile, toLineEnding, type FileEdit } from './file-edit';
import { plural } from './output-cap';
import { describePath, resolveToolPath } from './tool-fs';
import type { ShoalTool, ToolOptions } from './types';

/** Input of the `write_file` tool. */
export const writeFileInputSchema = z.object({
  path: z.string().min(1).describe('File to create or overwrite, relative to the workspace root.'),
  content: z.string().describe('The complete new contents of the file.'),
});

/** Input of the `write_file` tool. */
export type WriteFileInput = z.infer<typeof writeFileInputSchema>;

/** Creates a file (and its parent directories) or replaces a file's whole contents. */
export function createWriteFileTool(options: ToolOptions): ShoalTool<WriteFileInput> {
  return {
    name: 'write_file',
    description:
      'Create a file, or overwrite one with the complete new contents. Missing parent directories are created. ' +
      'To change part of an existing file, prefer update_file: it sends less and cannot drop lines by accident. ' +
      'An existing file keeps its permissions and, when it uses CRLF line endings, CRLF.',
    inputSchema: writeFileInputSchema,
    kind: 'write',
    describe(input) {
      return `${describePath(options.cwd, input.path)} (${plural(countLines(input.content), 'line')})`;
    },
    async preview(input) {
      const edit = await planWrite(options.cwd, input);
      return { type: 'diff', path: edit.target.shownPath, isNewFile: edit.before === undefined, diff: diffEdit(edit).diff };
    },
    async execute(input) {
      const edit = await planWrite(options.cwd, input);
      const shown = edit.target.shownPath;
      const lines = plural(countLines(edit.after), 'line');
      if (edit.before === edit.after) {
        return { output: `${shown} already has exactly this content (${lines}); nothing was written.`, summary: 'unchanged' };
      }
      await applyEdit(edit);
      if (edit.before === undefined) return { output: `Created ${shown} (${lines}).`, summary: `created, ${lines}` };
      const { added, removed } = diffEdit(edit);
      return { output: `Overwrote ${shown} (${lines}).`, summary: `+${added} -${removed}` };
    },
  };
}

/** What a `write_file` call would change: shared by `preview` and `execute` so they cannot disagree. */
async function planWrite(cwd: string, input: WriteFileInput): Promise<FileEdit> {
  const target = await resolveToolPath(cwd, input.path);
  const existing = await readExistingFile(target);
  if (existing === undefined) return { target, before: undefined, after: input.content, mode: undefined };
  // Models write LF; a CRLF file should stay CRLF rather than flip every line in the diff.
  const isLfOnly = !input.content.includes('\r\n');
  const after = isLfOnly && detectLineEnding(existing.text) === '\r\n' ? toLineEnding(input.content, '\r\n') : input.content;
  return { target, before: existing.text, after, mode: existing.mode };
}
