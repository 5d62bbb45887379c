import { diffLines } from 'diff';
import { z } from 'zod';
import { commitEdit, readFileForEdit } from './edit/edit-guard';
import { detectLineEnding, diffEdit, MAX_EDIT_BYTES, toLineEnding, type ExistingFile, type FileEdit } from './edit/file-edit';
import { approvedBinding, diffPreview } from './edit/diff-preview';
import { createFileTracker, type FileTracker } from './edit/file-tracker';
import { formatBytes, plural } from './output-cap';
import { describePath, resolveToolPath } from '../workspace/tool-path';
import type { ShoalTool, ToolOptions } from './types';

/** Input of the `update_file` tool. */
export const updateFileInputSchema = z.object({
  path: z.string().min(1).describe('File to edit, relative to the workspace root.'),
  old_string: z
    .string()
    .min(1, 'old_string is empty; to create a file use write_file.')
    .describe('The exact text to replace, copied from the file including indentation. Include enough lines to be unique.'),
  new_string: z.string().describe('The text to put in its place.'),
  replace_all: z.boolean().optional().describe('Replace every occurrence instead of exactly one. Default false.'),
});

/** Input of the `update_file` tool. */
export type UpdateFileInput = z.infer<typeof updateFileInputSchema>;

/** An update worked out against the file's current text. */
interface UpdatePlan {
  edit: FileEdit;
  existing: ExistingFile;
  occurrences: number;
}

/**
 * Replaces an exact snippet of an existing file, once or (with `replace_all`)
 * everywhere. Refuses a file that changed since it was read, or that is not UTF-8.
 */
export function createUpdateFileTool(options: ToolOptions): ShoalTool<UpdateFileInput> {
  const tracker = options.tracker ?? createFileTracker();
  return {
    name: 'update_file',
    description:
      'Edit an existing file by replacing an exact snippet (old_string) with new text (new_string). ' +
      'old_string must match the file exactly, indentation included, and occur once unless replace_all is set; ' +
      'read the file first and copy the lines from it (without the line-number prefix). ' +
      'The file keeps its permissions, its byte order mark and its line endings (CRLF stays CRLF). ' +
      'Refused when the file changed since you read it (read it again) or is not UTF-8.',
    inputSchema: updateFileInputSchema,
    kind: 'write',
    describe(input) {
      let added = 0;
      let removed = 0;
      for (const part of diffLines(input.old_string, input.new_string)) {
        if (part.added) added += part.count;
        if (part.removed) removed += part.count;
      }
      return `${describePath(options.cwd, input.path)} (+${added} -${removed})`;
    },
    async preview(input) {
      const { edit, existing } = await planUpdate(options.cwd, input, tracker);
      return diffPreview(edit, existing);
    },
    async execute(input, context) {
      const { batchId, signal } = context;
      const { edit, existing, occurrences } = await planUpdate(options.cwd, input, tracker, approvedBinding(context));
      await commitEdit(edit, existing, { tracker, journal: options.journal, batchId, signal });
      const { added, removed } = diffEdit(edit);
      return {
        output: `Updated ${edit.target.shownPath}: replaced ${plural(occurrences, 'occurrence')} (+${added} -${removed} lines).`,
        summary: `+${added} -${removed}`,
      };
    },
  };
}

/**
 * Works out the new text of an update, or throws why it cannot apply. Shared by
 * `preview` and `execute`, so the approved diff is the change that is written.
 */
async function planUpdate(cwd: string, input: UpdateFileInput, tracker: FileTracker, approved?: string): Promise<UpdatePlan> {
  if (input.old_string === input.new_string) {
    throw new Error('old_string and new_string are identical, so nothing would change. Send the edited text as new_string.');
  }
  const target = await resolveToolPath(cwd, input.path);
  const shown = target.shownPath;
  const existing = await readFileForEdit(target, tracker, approved);
  if (existing === undefined) {
    throw new Error(`No file at ${shown}. update_file edits existing files: use write_file to create it, or glob to find the right path.`);
  }
  const text = existing.text;
  if (text.includes('\0')) throw new Error(`${shown} looks binary (it holds NUL bytes); update_file edits text files only.`);

  // Snippets arrive with LF; match them against a CRLF file in its own line endings.
  const ending = detectLineEnding(text);
  const oldString = [input.old_string, toLineEnding(input.old_string, ending)].find((candidate) => text.includes(candidate));
  if (oldString === undefined) throw new Error(notFoundMessage(text, input.old_string, shown));
  const newString = toLineEnding(input.new_string, ending);
  if (oldString === newString) {
    throw new Error('old_string and new_string differ only in line endings, and the file keeps its own, so nothing would change.');
  }

  const starts = findAll(text, oldString);
  if (starts.length > 1 && input.replace_all !== true) {
    const lines = starts.slice(0, 10).map((start) => lineNumberAt(text, start));
    const more = starts.length > 10 ? ', ...' : '';
    throw new Error(
      `old_string occurs ${starts.length} times in ${shown} (lines ${lines.join(', ')}${more}); ` +
        'add surrounding lines to make it unique or set replace_all.',
    );
  }
  // Sized by arithmetic before it is built: replace_all can grow a small file past what memory holds.
  const afterBytes = existing.bytes.byteLength + starts.length * (Buffer.byteLength(newString) - Buffer.byteLength(oldString));
  if (afterBytes > MAX_EDIT_BYTES) {
    throw new Error(
      `Replacing ${plural(starts.length, 'occurrence')} would make ${shown} ${formatBytes(afterBytes)}, over the 10 MiB limit of the write tools; nothing was changed. ` +
        'Replace fewer occurrences (drop replace_all and add context), or use bash (e.g. sed) for a change this large.',
    );
  }
  const after = input.replace_all === true ? text.split(oldString).join(newString) : replaceAt(text, starts[0]!, oldString, newString);
  return { edit: { target, before: text, after, mode: existing.mode, hasBom: existing.hasBom }, existing, occurrences: starts.length };
}

/** Start offsets of the non-overlapping occurrences of `snippet`, as `split` would cut them. */
function findAll(text: string, snippet: string): number[] {
  const starts: number[] = [];
  for (let index = text.indexOf(snippet); index !== -1; index = text.indexOf(snippet, index + snippet.length)) {
    starts.push(index);
  }
  return starts;
}

/** Splices by position: `String.replace` would expand `$&` and friends inside the model's new text. */
function replaceAt(text: string, start: number, oldString: string, newString: string): string {
  return text.slice(0, start) + newString + text.slice(start + oldString.length);
}

function lineNumberAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** The not-found message, pointing at a match that differs only in whitespace when there is one. */
function notFoundMessage(text: string, snippet: string, shown: string): string {
  const line = findLooseMatch(text, snippet);
  if (line !== undefined) {
    return (
      `old_string was not found exactly in ${shown}, but text that differs only in whitespace/indentation starts at line ${line}. ` +
      'Read those lines again with read_file and copy them exactly, indentation included.'
    );
  }
  return (
    `old_string was not found in ${shown}. The file may have changed since you read it: ` +
    'read it again with read_file and copy the text to replace exactly.'
  );
}

/**
 * The 1-based line where `snippet` matches when all whitespace is ignored, or
 * undefined. Its first and last lines may be partial lines of the file.
 */
function findLooseMatch(text: string, snippet: string): number | undefined {
  const squash = (line: string) => line.replace(/\s+/g, '');
  const wanted = snippet.split(/\r?\n/).map(squash);
  while (wanted.at(-1) === '') wanted.pop();
  while (wanted[0] === '') wanted.shift();
  if (wanted.length === 0) return undefined;
  const lines = text.split(/\r?\n/).map(squash);
  const last = wanted.length - 1;
  for (let start = 0; start + last < lines.length; start++) {
    const matches = wanted.every((want, offset) => {
      const line = lines[start + offset]!;
      if (last === 0) return line.includes(want);
      if (offset === 0) return line.endsWith(want);
      if (offset === last) return line.startsWith(want);
      return line === want;
    });
    if (matches) return start + 1;
  }
  return undefined;
}
