import { protectedReason } from '../../workspace/protected';
import { toWorkspacePath } from '../../workspace/paths';
import type { ApprovalPreview, ToolExecuteContext } from '../types';
import { diffEdit, type ExistingFile, type FileEdit } from './file-edit';
import { bindPreview } from './preview-binding';

/**
 * The approval preview of a write tool's edit: the diff, titled by the real
 * target (and the named path when a symlink leads elsewhere), why the path is
 * protected if it is, and the binding `execute` checks before writing.
 */
export async function diffPreview(edit: FileEdit, existing: ExistingFile | undefined): Promise<ApprovalPreview> {
  const { target } = edit;
  const realPath = toWorkspacePath(target.root, target.absolute);
  // Both forms: the real one decides, the named one catches a `.git` reached through a symlinked folder.
  const reason = protectedReason(realPath) ?? protectedReason(target.shownPath);
  return {
    type: 'diff',
    path: realPath,
    ...(realPath === target.shownPath ? {} : { requestedPath: target.shownPath }),
    isNewFile: edit.before === undefined,
    diff: diffEdit(edit).diff,
    ...(reason === undefined ? {} : { protectedReason: reason }),
    binding: await bindPreview(target, existing),
  };
}

/** The binding of the preview the user approved for this call, if the loop passed one. */
export function approvedBinding(context: ToolExecuteContext): string | undefined {
  const preview = context.approvedPreview;
  return preview?.type === 'diff' ? preview.binding : undefined;
}
