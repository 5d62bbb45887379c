import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { toWorkspacePath } from '../../workspace/paths';
import type { ToolPath } from '../../workspace/tool-path';
import type { ExistingFile } from './file-edit';
import { matchesSnapshot, snapshotOf, type FileSnapshot } from './file-tracker';

/**
 * The file a preview was computed from, as the user saw it. Content is compared
 * by hash like the stale-edit guard does, so a mere `touch` while the prompt waits
 * does not ask again; mtime is kept only because the snapshot type carries it.
 */
interface PreviewBinding {
  /** Real absolute path of the file that would change. */
  target: string;
  /** Whether the path the model named was itself a symlink. */
  isSymlink: boolean;
  /** Null when the file did not exist. */
  file: FileSnapshot | null;
}

/**
 * Thrown by a write tool's `execute` when the file is no longer what the
 * approved preview showed; nothing was written. The loop asks the user again
 * with a fresh preview instead of reporting it to the model.
 */
export class PreviewChangedError extends Error {
  override name = 'PreviewChangedError';
}

/** The opaque fingerprint of what a preview shows, for `ApprovalPreview.binding`. */
export async function bindPreview(target: ToolPath, existing: ExistingFile | undefined): Promise<string> {
  const binding: PreviewBinding = {
    target: target.absolute,
    isSymlink: await isNamedSymlink(target),
    file: existing ? snapshotOf(existing.bytes, existing.mtimeMs) : null,
  };
  return JSON.stringify(binding);
}

/**
 * Throws `PreviewChangedError` unless the file read for the write (`existing`,
 * at `target`) is still the one the approved preview was computed from.
 */
export async function checkPreviewBinding(approved: string, target: ToolPath, existing: ExistingFile | undefined): Promise<void> {
  const before = JSON.parse(approved) as PreviewBinding;
  const change = await describeChange(before, target, existing);
  if (change === undefined) return;
  throw new PreviewChangedError(
    `${target.shownPath} changed while waiting for approval (${change}), so nothing was written: ` +
      'the approved diff no longer matched the file.',
  );
}

async function describeChange(before: PreviewBinding, target: ToolPath, existing: ExistingFile | undefined): Promise<string | undefined> {
  if (before.target !== target.absolute) return `it now leads to ${toWorkspacePath(target.root, target.absolute)}`;
  if (before.isSymlink !== (await isNamedSymlink(target))) return before.isSymlink ? 'it is no longer a symlink' : 'it became a symlink';
  if (before.file === null) return existing ? 'it was created' : undefined;
  if (!existing) return 'it was deleted';
  const current = { bytes: existing.bytes, size: existing.bytes.byteLength, mtimeMs: existing.mtimeMs };
  return matchesSnapshot(before.file, current) ? undefined : 'its content changed';
}

/** Whether the path as named (not resolved) is a symlink; a missing path is not. */
async function isNamedSymlink(target: ToolPath): Promise<boolean> {
  const named = path.resolve(target.root, target.shownPath);
  return lstat(named).then((stats) => stats.isSymbolicLink(), () => false);
}
