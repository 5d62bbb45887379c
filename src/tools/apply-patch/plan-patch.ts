import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';
import { readFileForEdit } from '../edit/edit-guard';
import { detectLineEnding, MAX_EDIT_BYTES, toLineEnding, type ExistingFile, type FileEdit } from '../edit/file-edit';
import type { FileTracker } from '../edit/file-tracker';
import { PreviewChangedError } from '../edit/preview-binding';
import { formatBytes } from '../output-cap';
import { resolveToolPath, type ToolPath } from '../../workspace/tool-path';
import { applyHunks } from './apply-hunks';
import { parsePatch, type PatchOperation } from './parse-patch';

/** One file a patch changes, worked out against the disk and not yet written. */
export interface PlannedFile {
  change: 'create' | 'update' | 'delete' | 'move';
  /** The file deleted, or written (a move's destination). */
  target: ToolPath;
  /** What is at `target` now; undefined when nothing is. */
  existing: ExistingFile | undefined;
  /** The write, for every change but a delete: its `before` is `target`'s text now. */
  edit?: FileEdit;
  /** A move's source and its contents, deleted once the destination is written. */
  source?: { target: ToolPath; existing: ExistingFile };
  /** The patch line of the file's section, for messages. */
  patchLine: number;
}

/** Every file of a patch, and every path it read in the order read (what a preview binds). */
export interface PatchPlan {
  files: PlannedFile[];
  reads: { target: ToolPath; existing: ExistingFile | undefined }[];
}

/**
 * Parses `patch` and works out every file's new contents, reading each file
 * once through the stale-edit guard. Throws, having written nothing, at the
 * first section or hunk that cannot apply. With `approved` (the bindings of
 * the approved preview, in read order) a file that is no longer what the user
 * saw throws `PreviewChangedError`.
 */
export async function planPatch(options: { cwd: string; patch: string; tracker: FileTracker; approved?: readonly string[] }): Promise<PatchPlan> {
  const operations = parsePatch(options.patch);
  const reads: PatchPlan['reads'] = [];
  const seen = new Map<string, number>();
  const read = async (target: ToolPath, patchLine: number) => {
    const earlier = seen.get(target.absolute);
    if (earlier !== undefined) {
      throw new Error(`${target.shownPath} is in the patch twice (patch lines ${earlier} and ${patchLine}); put all of one file's changes in one section.`);
    }
    seen.set(target.absolute, patchLine);
    const approved = options.approved?.[reads.length];
    if (options.approved !== undefined && approved === undefined) {
      throw new PreviewChangedError(`${target.shownPath} was not in the approved patch preview, so nothing was written.`);
    }
    const existing = await readFileForEdit(target, options.tracker, approved);
    reads.push({ target, existing });
    return existing;
  };
  const files: PlannedFile[] = [];
  for (const operation of operations) files.push(await planOperation(options.cwd, operation, read));
  return { files, reads };
}

type ReadFile = (target: ToolPath, patchLine: number) => Promise<ExistingFile | undefined>;

async function planOperation(cwd: string, operation: PatchOperation, read: ReadFile): Promise<PlannedFile> {
  const { patchLine } = operation;
  const target = await resolveToolPath(cwd, operation.path);
  const shown = target.shownPath;
  if (operation.type === 'add') {
    await refuseDirectory(target, `Cannot add ${shown} (patch line ${patchLine}): it is a directory.`);
    const existing = await read(target, patchLine);
    return { change: 'create', target, existing, edit: newContents(target, existing, operation.contents), patchLine };
  }
  if (operation.type === 'delete') {
    await refuseDirectory(target, `Cannot delete ${shown} (patch line ${patchLine}): it is a directory; '*** Delete File' removes one file (use bash to remove a folder).`);
    if (await isNamedSymlink(target)) {
      throw new Error(`Cannot delete ${shown} (patch line ${patchLine}): it is a symlink; '*** Delete File' removes files only (use bash rm for a link).`);
    }
    const existing = await read(target, patchLine);
    if (existing === undefined) throw new Error(`Cannot delete ${shown} (patch line ${patchLine}): there is no such file.`);
    return { change: 'delete', target, existing, patchLine };
  }
  await refuseDirectory(target, `Cannot update ${shown} (patch line ${patchLine}): it is a directory.`);
  const existing = await read(target, patchLine);
  if (existing === undefined) {
    throw new Error(`Cannot update ${shown} (patch line ${patchLine}): there is no such file. To create it, use '*** Add File: ${operation.path}' with every line starting with '+'.`);
  }
  if (existing.text.includes('\0')) throw new Error(`Cannot update ${shown} (patch line ${patchLine}): it looks binary (it holds NUL bytes).`);
  const after = operation.hunks.length === 0 ? existing.text : applyHunks(existing.text, operation.hunks, shown);
  checkSize(shown, after);
  const destination = operation.moveTo === undefined ? target : await resolveToolPath(cwd, operation.moveTo);
  if (destination.absolute === target.absolute) {
    return { change: 'update', target, existing, edit: { target, before: existing.text, after, mode: existing.mode, hasBom: existing.hasBom }, patchLine };
  }
  if (await isNamedSymlink(target)) {
    throw new Error(`Cannot move ${shown} (patch line ${patchLine}): it is a symlink; move the link with bash, or update the file it leads to without '*** Move to'.`);
  }
  await refuseDirectory(destination, `Cannot move ${shown} to ${destination.shownPath} (patch line ${patchLine}): the destination is a directory; name the new file's path.`);
  const replaced = await read(destination, patchLine);
  // The moved file keeps its own mode and byte order mark, wherever it lands and whatever it replaces.
  const edit = { target: destination, before: replaced?.text, after, mode: existing.mode, hasBom: existing.hasBom };
  return { change: 'move', target: destination, existing: replaced, edit, source: { target, existing }, patchLine };
}

/** An Add File's write: over an existing file (replaced, as Codex does) it keeps that file's CRLF, mode and byte order mark. */
function newContents(target: ToolPath, existing: ExistingFile | undefined, contents: string): FileEdit {
  checkSize(target.shownPath, contents);
  if (existing === undefined) return { target, before: undefined, after: contents, mode: undefined };
  const after = detectLineEnding(existing.text) === '\r\n' ? toLineEnding(contents, '\r\n') : contents;
  return { target, before: existing.text, after: existing.hasBom ? after.replace(/^\uFEFF/, '') : after, mode: existing.mode, hasBom: existing.hasBom };
}

function checkSize(shown: string, text: string): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_EDIT_BYTES) {
    throw new Error(`The patch would make ${shown} ${formatBytes(bytes)}, over the 10 MiB limit of the write tools. Use bash for a change this large.`);
  }
}

async function refuseDirectory(target: ToolPath, message: string): Promise<void> {
  const stats = await stat(target.absolute).catch(() => undefined);
  if (stats?.isDirectory()) throw new Error(message);
}

/** Whether the path as the patch named it (not resolved) is a symlink. */
async function isNamedSymlink(target: ToolPath): Promise<boolean> {
  const named = path.resolve(target.root, target.shownPath);
  return lstat(named).then((stats) => stats.isSymbolicLink(), () => false);
}
