import { z } from 'zod';
import { diffEdit } from '../edit/file-edit';
import { createFileTracker } from '../edit/file-tracker';
import { PreviewChangedError } from '../edit/preview-binding';
import { plural } from '../output-cap';
import type { ShoalTool, ToolOptions } from '../types';
import { commitPatch } from './commit-patch';
import { parsePatch, type PatchOperation } from './parse-patch';
import { approvedPatchBindings, patchPreview } from './patch-preview';
import { planPatch, type PlannedFile } from './plan-patch';

/** Input of the `apply_patch` tool: Codex's one string holding the whole patch. */
export const applyPatchInputSchema = z.object({
  input: z.string().min(1).describe("The whole patch, from '*** Begin Patch' to '*** End Patch'."),
});

/** Input of the `apply_patch` tool. */
export type ApplyPatchInput = z.infer<typeof applyPatchInputSchema>;

const DESCRIPTION = `Create, update, move and delete files with one patch, approved as one change. The input is the whole patch:

*** Begin Patch
*** Add File: src/new.ts
+every line of the new file, each starting with +
*** Update File: src/app.ts
*** Move to: src/main.ts
@@ function start() {
 a context line, starting with a space
-a removed line
+an added line
*** Delete File: src/old.ts
*** End Patch

A section starts with '*** Add File: <path>', '*** Delete File: <path>' or '*** Update File: <path>' (optionally followed by '*** Move to: <path>'). Paths are relative to the workspace root.
In an update, each hunk starts with '@@', optionally followed by a line of the file that comes before the change (the function or class it is in); stack '@@' lines to go deeper. Give about 3 lines of context above and below each change, copied exactly from the file; hunks go in file order. End a hunk with '*** End of File' when its lines are the file's last.
A hunk's lines must match exactly one place in the file (trailing whitespace and typographic quotes and dashes are forgiven): one that matches nowhere or in two places fails the whole patch, and the error shows the file's real lines. The patch applies whole or not at all: nothing is written unless every file applies.
Read a file before you update it. Files keep their permissions, byte order mark and CRLF line endings. Refused when a file changed since you read it (read it again).`;

/**
 * Applies a patch in Codex's format to any number of files: validated and
 * computed whole first, then written together (put back if a write fails),
 * through the same guards, journal and approval binding as write_file.
 */
export function createApplyPatchTool(options: ToolOptions): ShoalTool<ApplyPatchInput> {
  const tracker = options.tracker ?? createFileTracker();
  return {
    name: 'apply_patch',
    description: DESCRIPTION,
    inputSchema: applyPatchInputSchema,
    kind: 'write',
    describe(input) {
      try {
        return describeOperations(parsePatch(input.input));
      } catch {
        return 'invalid patch';
      }
    },
    async preview(input) {
      const plan = await planPatch({ cwd: options.cwd, patch: input.input, tracker }).catch(nothingChanged);
      return patchPreview(plan);
    },
    async execute(input, context) {
      const approved = approvedPatchBindings(context);
      const plan = await planPatch({ cwd: options.cwd, patch: input.input, tracker, approved }).catch(nothingChanged);
      const changed = plan.files.filter(isChange);
      if (changed.length === 0) {
        return { output: 'The patch changes nothing: every file already has exactly this content. Nothing was written.', summary: 'unchanged' };
      }
      await commitPatch(plan.files, { tracker, journal: options.journal, batchId: context.batchId, signal: context.signal });
      const counts = plan.files.map(countsOf);
      const lines = plan.files.map((file, index) => resultLine(file, counts[index]!));
      const added = counts.reduce((sum, count) => sum + count.added, 0);
      const removed = counts.reduce((sum, count) => sum + count.removed, 0);
      return {
        output: `Applied the patch to ${plural(plan.files.length, 'file')}:\n${lines.join('\n')}`,
        summary: `${plural(plan.files.length, 'file')}, +${added} -${removed}`,
      };
    },
  };
}

/** A failed plan's error, saying that nothing was written; an approval that no longer matches passes through for the loop to ask again. */
function nothingChanged(error: unknown): never {
  if (error instanceof PreviewChangedError || !(error instanceof Error)) throw error;
  if (/nothing (was|is) (written|changed)|no file was changed/i.test(error.message)) throw error;
  // On the first line, so a one-line refusal stays one line; the nearest lines of a missed hunk follow it.
  const [first, ...rest] = error.message.split('\n');
  const note = `${first} No file was changed: the patch applies whole or not at all. Fix it and send the whole patch again.`;
  throw new Error([note, ...rest].join('\n'));
}

function isChange(file: PlannedFile): boolean {
  return file.change === 'delete' || file.source !== undefined || file.edit?.before !== file.edit?.after;
}

function countsOf(file: PlannedFile): { added: number; removed: number } {
  if (file.change === 'delete') return { added: 0, removed: diffEdit({ target: file.target, before: file.existing!.text, after: '', mode: undefined }).removed };
  const edit = file.edit!;
  const { added, removed } = diffEdit(file.source ? { ...edit, before: file.source.existing.text } : edit);
  return { added, removed };
}

/** One line per file, as `git status --short` marks them. */
function resultLine(file: PlannedFile, { added, removed }: { added: number; removed: number }): string {
  const shown = file.target.shownPath;
  if (file.change === 'delete') return `D ${shown}`;
  if (file.source) return `R ${file.source.target.shownPath} -> ${shown} (+${added} -${removed})${file.existing ? `, replacing the old ${shown}` : ''}`;
  if (file.change === 'create') return `A ${shown} (${plural(added, 'line')})${file.existing ? `, replacing the old ${shown}` : ''}`;
  return file.edit!.before === file.edit!.after ? `  ${shown} (unchanged)` : `M ${shown} (+${added} -${removed})`;
}

/** The call's one-line description: the files it names, what happens to each. */
function describeOperations(operations: readonly PatchOperation[]): string {
  const parts = operations.map((operation) => {
    if (operation.type === 'add') return `${operation.path} (new)`;
    if (operation.type === 'delete') return `${operation.path} (deleted)`;
    return operation.moveTo === undefined ? operation.path : `${operation.path} -> ${operation.moveTo}`;
  });
  return operations.length === 1 ? parts[0]! : `${operations.length} files: ${parts.join(', ')}`;
}
