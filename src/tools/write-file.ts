import { z } from 'zod';
import { commitEdit, readFileForEdit } from './edit/edit-guard';
import { countLines, detectLineEnding, diffEdit, toLineEnding, type ExistingFile, type FileEdit } from './edit/file-edit';
import { approvedBinding, diffPreview } from './edit/diff-preview';
import { createFileTracker, type FileTracker } from './edit/file-tracker';
import { plural } from './output-cap';
import { describePath, resolveToolPath } from '../workspace/tool-path';
import type { ApprovalPreview, ShoalTool, ToolOptions } from './types';

/** Input of the `write_file` tool. */
export const writeFileInputSchema = z.object({
  path: z.string().min(1).describe('File to create or overwrite, relative to the workspace root.'),
  content: z.string().describe('The complete new contents of the file.'),
});

/** Input of the `write_file` tool. */
export type WriteFileInput = z.infer<typeof writeFileInputSchema>;

/** A write worked out against the file's current contents. */
interface WritePlan {
  edit: FileEdit;
  /** Undefined when the file does not exist yet. */
  existing: ExistingFile | undefined;
}

/**
 * Creates a file (and its parent directories) or replaces a file's whole
 * contents. Refuses to overwrite a file that changed since it was read, or one that is not UTF-8.
 */
export function createWriteFileTool(options: ToolOptions): ShoalTool<WriteFileInput> {
  const tracker = options.tracker ?? createFileTracker();
  return {
    name: 'write_file',
    description:
      'Create a file, or overwrite one with the complete new contents. Missing parent directories are created. ' +
      'To change part of an existing file, prefer update_file: it sends less and cannot drop lines by accident. ' +
      'An existing file keeps its permissions, its byte order mark and, when it uses CRLF line endings, CRLF. ' +
      'Overwriting a file that changed since you read it, or that is not UTF-8, is refused.',
    inputSchema: writeFileInputSchema,
    kind: 'write',
    describe(input) {
      return `${describePath(options.cwd, input.path)} (${plural(countLines(input.content), 'line')})`;
    },
    async preview(input) {
      const { edit, existing } = await planWrite(options.cwd, input, tracker);
      return diffPreview(edit, existing);
    },
    async execute(input, context) {
      const { batchId, signal } = context;
      const { edit, existing } = await planWrite(options.cwd, input, tracker, approvedBinding(context));
      const shown = edit.target.shownPath;
      const lines = plural(countLines(edit.after), 'line');
      if (edit.before === edit.after) {
        return { output: `${shown} already has exactly this content (${lines}); nothing was written.`, summary: 'unchanged' };
      }
      await commitEdit(edit, existing, { tracker, journal: options.journal, batchId, signal });
      if (edit.before === undefined) return { output: `Created ${shown} (${lines}).`, summary: `created, ${lines}` };
      const { added, removed } = approvedDiffCounts(context.approvedPreview) ?? diffEdit(edit);
      return { output: `Overwrote ${shown} (${lines}).`, summary: `+${added} -${removed}` };
    },
  };
}

/**
 * The added and removed lines of the diff the user approved, which is this
 * write's own (its binding matched the file just now): diffing megabytes a
 * second time for a summary costs seconds. Undefined for a diff without hunks.
 */
function approvedDiffCounts(preview: ApprovalPreview | undefined): { added: number; removed: number } | undefined {
  if (preview?.type !== 'diff') return undefined;
  const { diff } = preview;
  let added = 0;
  let removed = 0;
  let hasHunk = false;
  // The two header lines ("--- a/x", "+++ b/x") come first; every later line starts with its kind.
  for (let start = diff.indexOf('\n', diff.indexOf('\n') + 1) + 1; start > 0 && start < diff.length; start = diff.indexOf('\n', start) + 1) {
    const kind = diff[start];
    if (kind === '+') added++;
    else if (kind === '-') removed++;
    else if (kind === '@') hasHunk = true;
  }
  return hasHunk ? { added, removed } : undefined;
}

/** What a `write_file` call would change: shared by `preview` and `execute` so they cannot disagree. */
async function planWrite(cwd: string, input: WriteFileInput, tracker: FileTracker, approved?: string): Promise<WritePlan> {
  const target = await resolveToolPath(cwd, input.path);
  const existing = await readFileForEdit(target, tracker, approved);
  if (existing === undefined) return { edit: { target, before: undefined, after: input.content, mode: undefined }, existing };
  // Models write LF; a CRLF file should stay CRLF rather than flip every line in the diff.
  const isLfOnly = !input.content.includes('\r\n');
  let after = isLfOnly && detectLineEnding(existing.text) === '\r\n' ? toLineEnding(input.content, '\r\n') : input.content;
  // The write puts the file's byte order mark back; one sent in the content too would make two.
  if (existing.hasBom && after.startsWith('\uFEFF')) after = after.slice(1);
  return { edit: { target, before: existing.text, after, mode: existing.mode, hasBom: existing.hasBom }, existing };
}
