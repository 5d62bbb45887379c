import { diffLines } from 'diff';
import { z } from 'zod';
import { commitEdit, readFileForEdit } from './edit/edit-guard';
import { diffEdit, MAX_EDIT_BYTES, type ExistingFile, type FileEdit } from './edit/file-edit';
import { toLf } from './edit/match/lf-view';
import { replaceSnippet, type SnippetEdit, type SnippetOutcome } from './edit/match/match-snippet';
import { longTolerances, shortTolerances, type Tolerance } from './edit/match/tolerance';
import { approvedBinding, diffPreview } from './edit/diff-preview';
import { createFileTracker, type FileTracker } from './edit/file-tracker';
import { formatBytes, plural } from './output-cap';
import { describePath, resolveToolPath } from '../workspace/tool-path';
import type { ShoalTool, ToolOptions } from './types';

const oldStringField = z
  .string()
  .min(1, 'old_string is empty; to create a file use write_file.')
  .describe('The exact text to replace, copied from the file including indentation. Include enough lines to be unique.');
const newStringField = z.string().describe('The text to put in its place.');
const replaceAllField = z.boolean().optional().describe('Replace every occurrence instead of exactly one. Default false.');

/** Input of the `update_file` tool: one edit (old_string/new_string) or several (edits), never both. */
export const updateFileInputSchema = z
  .object({
    path: z.string().min(1).describe('File to edit, relative to the workspace root.'),
    old_string: oldStringField.optional().describe(`${oldStringField.description} Give with new_string for one edit; leave out when you send edits.`),
    new_string: newStringField.optional().describe(`${newStringField.description} Give with old_string; leave out when you send edits.`),
    replace_all: replaceAllField,
    edits: z
      .array(z.object({ old_string: oldStringField, new_string: newStringField, replace_all: replaceAllField }))
      .min(1, 'edits is empty; send at least one { old_string, new_string }.')
      .optional()
      .describe(
        'Several edits to this one file, instead of old_string/new_string: applied in order, each to the text the ones before it left, ' +
          'all or nothing (if one fails, nothing is written), with one approval for the combined diff.',
      ),
  })
  .superRefine((input, context) => {
    const hasSingle = input.old_string !== undefined || input.new_string !== undefined || input.replace_all !== undefined;
    if (input.edits !== undefined) {
      if (hasSingle) context.addIssue({ code: 'custom', path: ['edits'], message: 'send either old_string/new_string (one edit) or edits (several), not both' });
      return;
    }
    if (input.old_string === undefined) context.addIssue({ code: 'custom', path: ['old_string'], message: 'required (or send edits instead)' });
    if (input.new_string === undefined) context.addIssue({ code: 'custom', path: ['new_string'], message: 'required (or send edits instead)' });
  });

/** Input of the `update_file` tool. */
export type UpdateFileInput = z.infer<typeof updateFileInputSchema>;

/** One edit of a call, and how messages name it: "old_string" alone, or "edits[2]" in a list. */
interface NamedEdit extends SnippetEdit {
  label: string | undefined;
}

/** What one edit did. */
interface EditResult {
  label: string | undefined;
  occurrences: number;
  tolerances: Tolerance[];
}

/** An update worked out against the file's current text. */
interface UpdatePlan {
  edit: FileEdit;
  existing: ExistingFile;
  results: EditResult[];
}

/**
 * Replaces a snippet of an existing file, once or (with `replace_all`)
 * everywhere, or applies a list of such edits in order, all or nothing. A
 * snippet that is not found exactly may still match under a tolerance (see
 * `replaceSnippet`), and the result says which. Refuses a file that changed
 * since it was read, or that is not UTF-8.
 */
export function createUpdateFileTool(options: ToolOptions): ShoalTool<UpdateFileInput> {
  const tracker = options.tracker ?? createFileTracker();
  return {
    name: 'update_file',
    description:
      'Edit an existing file by replacing a snippet (old_string) with new text (new_string). ' +
      'old_string should match the file exactly, indentation included, and occur once unless replace_all is set; ' +
      'read the file first and copy the lines from it (without the line-number prefix). ' +
      'Small slips are forgiven when they leave exactly one match: trailing whitespace, indentation (spaces for tabs, or a block sent without its indentation; ' +
      "new_string is then re-indented to the file's), typographic quotes and dashes, read_file's line-number prefixes, blank lines at the ends; the result says so. " +
      'To make several changes to one file, send edits: a list of { old_string, new_string, replace_all? } applied in order, all or nothing, instead of old_string/new_string. ' +
      'The file keeps its permissions, its byte order mark and its line endings (CRLF stays CRLF). ' +
      'Refused when the file changed since you read it (read it again) or is not UTF-8.',
    inputSchema: updateFileInputSchema,
    kind: 'write',
    describe(input) {
      let added = 0;
      let removed = 0;
      for (const edit of editsOf(input)) {
        for (const part of diffLines(edit.oldString, edit.newString)) {
          if (part.added) added += part.count;
          if (part.removed) removed += part.count;
        }
      }
      return `${describePath(options.cwd, input.path)} (+${added} -${removed})`;
    },
    async preview(input) {
      const { edit, existing } = await planUpdate(options.cwd, input, tracker);
      return diffPreview(edit, existing);
    },
    async execute(input, context) {
      const { batchId, signal } = context;
      const { edit, existing, results } = await planUpdate(options.cwd, input, tracker, approvedBinding(context));
      await commitEdit(edit, existing, { tracker, journal: options.journal, batchId, signal });
      const { added, removed } = diffEdit(edit);
      return resultOf(edit.target.shownPath, results, { added, removed });
    },
  };
}

/** The call's edits in order; the single form is one edit named by its fields alone. */
function editsOf(input: UpdateFileInput): NamedEdit[] {
  if (input.edits !== undefined) {
    return input.edits.map((edit, index) => ({
      label: `edits[${index}]`,
      oldString: edit.old_string,
      newString: edit.new_string,
      isReplaceAll: edit.replace_all === true,
    }));
  }
  return [{ label: undefined, oldString: input.old_string ?? '', newString: input.new_string ?? '', isReplaceAll: input.replace_all === true }];
}

/** What the model reads and the tool row's summary, naming every tolerance a match needed. */
function resultOf(shown: string, results: readonly EditResult[], counts: { added: number; removed: number }) {
  const lines = `(+${counts.added} -${counts.removed} lines)`;
  const occurrences = plural(results.reduce((sum, result) => sum + result.occurrences, 0), 'occurrence');
  const head =
    results.length === 1 ? `Updated ${shown}: replaced ${occurrences} ${lines}.` : `Updated ${shown} with ${results.length} edits: replaced ${occurrences} ${lines}.`;
  const notes = results
    .filter((result) => result.tolerances.length > 0)
    .map((result) => `${result.label ?? 'old_string'} did not match exactly; it matched with ${longTolerances(result.tolerances)}.`);
  const tolerances = results.flatMap((result) => result.tolerances);
  const matched = tolerances.length > 0 ? `, matched ignoring ${shortTolerances(tolerances)}` : '';
  return { output: [head, ...notes].join(' '), summary: `+${counts.added} -${counts.removed}${matched}` };
}

/**
 * Works out the new text of an update, or throws why it cannot apply. Shared by
 * `preview` and `execute`, so the approved diff is the change that is written.
 */
async function planUpdate(cwd: string, input: UpdateFileInput, tracker: FileTracker, approved?: string): Promise<UpdatePlan> {
  const edits = editsOf(input);
  for (const edit of edits) {
    if (edit.oldString === edit.newString) {
      throw new Error(
        `${prefixOf(edit, edits.length)}old_string and new_string are identical, so nothing would change. Send the edited text as new_string.`,
      );
    }
    if (toLf(edit.oldString) === toLf(edit.newString)) {
      throw new Error(
        `${prefixOf(edit, edits.length)}old_string and new_string differ only in line endings, and the file keeps its own, so nothing would change.`,
      );
    }
  }
  const target = await resolveToolPath(cwd, input.path);
  const shown = target.shownPath;
  const existing = await readFileForEdit(target, tracker, approved);
  if (existing === undefined) {
    throw new Error(`No file at ${shown}. update_file edits existing files: use write_file to create it, or glob to find the right path.`);
  }
  if (existing.text.includes('\0')) throw new Error(`${shown} looks binary (it holds NUL bytes); update_file edits text files only.`);

  let text = existing.text;
  let bytes = existing.bytes.byteLength;
  const results: EditResult[] = [];
  for (const edit of edits) {
    const outcome = replaceSnippet({ text, edit, maxBytes: MAX_EDIT_BYTES, bytes });
    if (outcome.type !== 'replaced') throw new Error(prefixOf(edit, edits.length) + failureMessage(outcome, { text, edit, shown }));
    text = outcome.text;
    if (results.length + 1 < edits.length) bytes = Buffer.byteLength(text) + (existing.hasBom ? 3 : 0);
    results.push({ label: edit.label, occurrences: outcome.occurrences, tolerances: outcome.tolerances });
  }
  return { edit: { target, before: existing.text, after: text, mode: existing.mode, hasBom: existing.hasBom }, existing, results };
}

/** "edits[1] failed, so none of the 3 edits was applied: " before a message about one edit of a list. */
function prefixOf(edit: NamedEdit, count: number): string {
  if (edit.label === undefined) return '';
  return `${edit.label} failed, so none of the ${plural(count, 'edit')} was applied (nothing was written): `;
}

/** Why an edit did not apply, and what to send instead. */
function failureMessage(outcome: Exclude<SnippetOutcome, { type: 'replaced' }>, context: { text: string; edit: NamedEdit; shown: string }): string {
  const { shown } = context;
  const allowing = (tolerances: readonly Tolerance[]) => (tolerances.length === 0 ? '' : ` once ${shortTolerances(tolerances)} ${tolerances.length === 1 ? 'is' : 'are'} ignored`);
  switch (outcome.type) {
    case 'not-found':
      return notFoundMessage(context.text, context.edit.oldString, shown);
    case 'ambiguous': {
      const more = outcome.count > outcome.lines.length ? ', ...' : '';
      const where = `${shown}${allowing(outcome.tolerances)} (lines ${outcome.lines.join(', ')}${more})`;
      const verb = outcome.tolerances.length === 0 ? `occurs ${outcome.count} times in` : `matches ${outcome.count} places in`;
      return `old_string ${verb} ${where}; add surrounding lines to make it unique or set replace_all.`;
    }
    case 'too-large':
      return (
        `Replacing ${plural(outcome.occurrences, 'occurrence')} would make ${shown} ${formatBytes(outcome.bytes)}, over the 10 MiB limit of the write tools; nothing was changed. ` +
        'Replace fewer occurrences (drop replace_all and add context), or use bash (e.g. sed) for a change this large.'
      );
    case 'unchanged':
      return `old_string matched in ${shown}${allowing(outcome.tolerances)}, but new_string is the text already there, so nothing would change.`;
    case 'unmappable-indentation':
      return (
        `old_string matched in ${shown}${allowing(outcome.tolerances)}, but line ${outcome.newLine} of new_string is indented further left than the file allows there. ` +
        "Send old_string and new_string with the file's own indentation, copied from read_file."
      );
  }
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
