import { diffEdit } from '../edit/file-edit';
import { bindPreview } from '../edit/preview-binding';
import type { ApprovalPreview, PatchFilePreview, ToolExecuteContext } from '../types';
import { protectedReason } from '../../workspace/protected';
import { toWorkspacePath } from '../../workspace/paths';
import type { ToolPath } from '../../workspace/tool-path';
import type { PatchPlan, PlannedFile } from './plan-patch';

/**
 * The approval preview of a whole patch: every file with its diff, what
 * happens to it and why it is protected if it is, and one binding over every
 * file the patch read, which `execute` checks before writing any.
 */
export async function patchPreview(plan: PatchPlan): Promise<ApprovalPreview> {
  const bindings = await Promise.all(plan.reads.map(({ target, existing }) => bindPreview(target, existing)));
  return { type: 'patch', files: plan.files.map(filePreview), binding: JSON.stringify(bindings) };
}

/** The bindings of the patch preview the user approved for this call, in read order, if the loop passed one. */
export function approvedPatchBindings(context: ToolExecuteContext): string[] | undefined {
  const preview = context.approvedPreview;
  return preview?.type === 'patch' && preview.binding !== undefined ? (JSON.parse(preview.binding) as string[]) : undefined;
}

function filePreview(file: PlannedFile): PatchFilePreview {
  const { target } = file;
  const realPath = realPathOf(target);
  const preview: PatchFilePreview = { path: realPath, change: file.change, ...changeDiff(file) };
  if (realPath !== target.shownPath) preview.requestedPath = target.shownPath;
  if (file.source) preview.movedFrom = realPathOf(file.source.target);
  if ((file.change === 'create' || file.change === 'move') && file.existing !== undefined) preview.replacesExisting = true;
  const reason = reasonOf(target) ?? (file.source && reasonOf(file.source.target));
  if (reason !== undefined) preview.protectedReason = file.source && !reasonOf(target) ? `it moves ${file.source.target.shownPath} away, and ${reason}` : reason;
  return preview;
}

/** The diff of one file: the plain edit, a delete to /dev/null, or a move from its source's text. */
function changeDiff(file: PlannedFile): { diff: string; added: number; removed: number } {
  const { target } = file;
  if (file.change === 'delete') {
    const before = file.existing!.text;
    const header = `--- a/${target.shownPath}\n+++ /dev/null\n`;
    if (before === '') return { diff: `${header}\\ Deletes ${target.shownPath}, an empty file.\n`, added: 0, removed: 0 };
    const { diff, removed } = diffEdit({ target, before, after: '', mode: undefined });
    return { diff: withHeader(diff, header), added: 0, removed };
  }
  const edit = file.edit!;
  if (!file.source) return diffEdit(edit);
  const header = `--- a/${file.source.target.shownPath}\n+++ b/${target.shownPath}\n`;
  const before = file.source.existing.text;
  if (before === edit.after) return { diff: `${header}\\ Moved without changes.\n`, added: 0, removed: 0 };
  const moved = diffEdit({ ...edit, before });
  return { ...moved, diff: withHeader(moved.diff, header) };
}

/** `diff` with its `---`/`+++` lines replaced by `header`. */
function withHeader(diff: string, header: string): string {
  const lines = diff.split('\n');
  const body = lines[0]?.startsWith('--- ') && lines[1]?.startsWith('+++ ') ? lines.slice(2) : lines;
  return header + body.join('\n');
}

function realPathOf(target: ToolPath): string {
  return toWorkspacePath(target.root, target.absolute);
}

/** Both forms: the real one decides, the named one catches a `.git` reached through a symlinked folder. */
function reasonOf(target: ToolPath): string | undefined {
  return protectedReason(realPathOf(target)) ?? protectedReason(target.shownPath);
}
