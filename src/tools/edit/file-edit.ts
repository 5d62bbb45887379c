import { constants } from 'node:fs';
import { access, chmod, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch, type StructuredPatch } from 'diff';
import { formatBytes } from '../output-cap';
import { endingMode, flippedEndingsNote } from './ending-changes';
import { tempPathFor, withTempFile } from './temp-files';
import { openRegularFile, readHead } from '../../workspace/regular-file';
import { decodeText, encodeText, notUtf8Message } from '../../workspace/text-encoding';
import { toFsError, type ToolPath } from '../../workspace/tool-path';

/** Files larger than this are refused by the write tools: a diff of them helps nobody and costs memory. */
export const MAX_EDIT_BYTES = 10 * 1024 * 1024;
/** A diff taking longer than this falls back to "every line replaced" rather than blocking the loop. */
const DIFF_TIMEOUT_MS = 2000;
/** Past this many characters (before and after together) no diff is built: its memory grows many times the text's. */
const MAX_DIFF_CHARS = 4 * 1024 * 1024;

/** A file's text before and after a change, computed without touching the disk. */
export interface FileEdit {
  target: ToolPath;
  /** Undefined when the file does not exist yet. */
  before: string | undefined;
  after: string;
  /** Permission bits of the existing file, kept on write; undefined for a new file. */
  mode: number | undefined;
  /** True when the existing file starts with a UTF-8 byte order mark: `before` and `after` leave it out, the write keeps it. */
  hasBom?: boolean;
}

/** A unified diff of an edit and its line counts. */
export interface EditDiff {
  diff: string;
  added: number;
  removed: number;
}

/** An existing regular UTF-8 file: its text, its bytes as they are on disk, and its permission bits. */
export interface ExistingFile {
  /** The contents decoded, without a byte order mark. */
  text: string;
  hasBom: boolean;
  bytes: Buffer;
  mode: number;
  mtimeMs: number;
}

/** What `applyEdit` wrote. */
export interface WrittenFile {
  /** The exact bytes now in the file. */
  bytes: Buffer;
  /** The outermost directory the write had to create, if any (see `writeFileAtomic`). */
  createdDirectory: string | undefined;
}

/**
 * Reads the file a write tool is about to change; undefined when it does not
 * exist. Throws next-step messages for directories, special files, files too
 * large to edit, files we may not write, and files that are not UTF-8 (rewriting
 * those as UTF-8 would corrupt every other non-ASCII character in them).
 */
export async function readExistingFile(target: ToolPath): Promise<ExistingFile | undefined> {
  const shown = target.shownPath;
  // The handle is judged and read, not the path: a FIFO never blocks, a symlink swapped in is not followed.
  const opened = await openRegularFile(target.absolute).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw toWriteError(error, shown);
  });
  if (opened === undefined) return undefined;
  if (!opened.isRegular) {
    if (opened.kind === 'a directory') throw new Error(`${shown} is a directory; give the path of a file (inside it, or elsewhere).`);
    throw new Error(`${shown} is ${opened.kind}, not a regular file; the write tools change files only.`);
  }
  const { handle, stats } = opened;
  try {
    if (stats.size > MAX_EDIT_BYTES) {
      throw new Error(`${shown} is ${formatBytes(stats.size)}, over the 10 MiB limit of the write tools. Use bash (e.g. sed) for files this large.`);
    }
    // A rename replaces even a read-only file, so check first: the user made it read-only for a reason.
    // Mode bits, not access(): root may write anything, but a read-only file is still a statement.
    const isReadOnly = (stats.mode & 0o222) === 0;
    const isWritable = !isReadOnly && (await access(target.absolute, constants.W_OK).then(() => true, () => false));
    if (!isWritable) {
      throw new Error(`${shown} is read-only (permission denied); shoal will not change it. Ask the user to make it writable.`);
    }
    const bytes = await readHead(handle, stats.size).catch((error: unknown) => Promise.reject(toWriteError(error, shown)));
    const decoded = decodeText(bytes);
    if (!decoded.isUtf8) throw new Error(notUtf8Message(shown));
    return { text: decoded.text, hasBom: decoded.hasBom, bytes, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** The line ending most lines of `text` use; LF when there are no line breaks. */
export function detectLineEnding(text: string): '\n' | '\r\n' {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/** `text` with every line break (LF or CRLF) written as `ending`. */
export function toLineEnding(text: string, ending: '\n' | '\r\n'): string {
  return text.replace(/\r?\n/g, ending);
}

/** How many lines `text` holds; a final newline ends the last line rather than starting another. */
export function countLines(text: string): number {
  if (text === '') return 0;
  const breaks = text.split('\n').length - 1;
  return text.endsWith('\n') ? breaks : breaks + 1;
}

/**
 * The unified diff of an edit, with `a/`/`b/` headers (`/dev/null` for a new
 * file). Carriage returns are left out so a CRLF file shows like any other, but
 * a line whose ending changes (LF to CRLF or back) is never shown as unchanged:
 * it is a removed and an added line, and a `\` note after the headers names
 * them (or says the whole file's endings change). When nothing changes, a note
 * says so instead of a hunk; a final newline gained or lost shows as jsdiff marks it.
 */
export function diffEdit(edit: FileEdit): EditDiff {
  const shown = edit.target.shownPath;
  const before = edit.before ?? '';
  if (before.length + edit.after.length > MAX_DIFF_CHARS) return tooLargeDiff(edit, before);
  const mode = edit.before === undefined ? { type: 'stripped' as const } : endingMode(before, edit.after);
  const patch =
    structuredPatch(edit.before === undefined ? '/dev/null' : `a/${shown}`, `b/${shown}`, before, edit.after, undefined, undefined, {
      context: 3,
      stripTrailingCr: mode.type === 'stripped',
      timeout: DIFF_TIMEOUT_MS,
    }) ?? wholeFilePatch(shown, before, edit.after);
  const note = mode.type === 'raw' ? flippedEndingsNote(patch) : mode.note;
  let added = 0;
  let removed = 0;
  for (const line of patch.hunks.flatMap((hunk) => hunk.lines)) {
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  const [headers, ...hunks] = formatPatch(patch, FILE_HEADERS_ONLY).split(/(?<=^\+\+\+ .*\n)/m);
  let diff = `${headers}${note === undefined ? '' : `\\ ${note}\n`}${hunks.join('')}`;
  if (patch.hunks.length === 0 && note === undefined) {
    diff += `\\ ${noChangeNote(edit)}\n`;
  }
  return { diff, added, removed };
}

/** Headers and a note instead of hunks; counted as every line replaced, like a diff that timed out. */
function tooLargeDiff(edit: FileEdit, before: string): EditDiff {
  const shown = edit.target.shownPath;
  const header = `--- ${edit.before === undefined ? '/dev/null' : `a/${shown}`}\n+++ b/${shown}\n`;
  const sizes = `${formatBytes(Buffer.byteLength(before))} before, ${formatBytes(Buffer.byteLength(edit.after))} after`;
  return { diff: `${header}\\ Too large to show as a diff (${sizes}).\n`, added: countLines(edit.after), removed: countLines(before) };
}

/** Why a diff has no hunks, as a backslash note line (the diff view dims it). */
function noChangeNote(edit: FileEdit): string {
  if (edit.before === undefined) return `Creates ${edit.target.shownPath} as an empty file.`;
  if (edit.before === edit.after) return `No changes: ${edit.target.shownPath} already has exactly this content.`;
  // Unreached while every ending change gets its own note; kept so a hunk-less diff never says nothing.
  return 'Only line endings change.';
}

/** A diff that removes every old line and adds every new one, for when the real diff took too long. */
function wholeFilePatch(shown: string, before: string, after: string): StructuredPatch {
  const oldLines = splitLines(before);
  const newLines = splitLines(after);
  return {
    oldFileName: `a/${shown}`,
    newFileName: `b/${shown}`,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [
      {
        oldStart: oldLines.length === 0 ? 0 : 1,
        oldLines: oldLines.length,
        newStart: newLines.length === 0 ? 0 : 1,
        newLines: newLines.length,
        lines: [...oldLines.map((line) => `-${line}`), ...newLines.map((line) => `+${line}`)],
      },
    ],
  };
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Writes an edit atomically (see `writeFileAtomic`), keeping the old file's
 * mode and byte order mark, and returns the bytes written.
 */
export async function applyEdit(edit: FileEdit): Promise<WrittenFile> {
  const bytes = encodeText(edit.after, edit.hasBom === true);
  try {
    const createdDirectory = await writeFileAtomic(edit.target.absolute, bytes, edit.mode);
    return { bytes, createdDirectory };
  } catch (error) {
    throw toWriteError(error, edit.target.shownPath);
  }
}

/**
 * Writes `bytes` to `absolute` atomically: a temp file in the same directory,
 * given `mode` when set, renamed over the target, so a crash never leaves half
 * a file. Creates missing parent directories and returns the outermost one it
 * created, if any. Throws Node's own errors.
 */
export async function writeFileAtomic(absolute: string, bytes: Uint8Array, mode: number | undefined): Promise<string | undefined> {
  const directory = path.dirname(absolute);
  const temp = tempPathFor(absolute);
  const createdDirectory = await mkdir(directory, { recursive: true });
  return withTempFile(temp, async () => {
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      // writeFile's own mode option passes through the umask; chmod sets the bits exactly.
      if (mode !== undefined) await chmod(temp, mode);
      await rename(temp, absolute);
      return createdDirectory;
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  });
}

const WRITE_MESSAGES: Record<string, (shownPath: string) => string> = {
  EACCES: (shownPath) => `Permission denied writing ${shownPath}; shoal cannot change it. Try another path or ask the user.`,
  EPERM: (shownPath) => `Permission denied writing ${shownPath}; shoal cannot change it. Try another path or ask the user.`,
  EROFS: (shownPath) => `${shownPath} is on a read-only file system; it cannot be written.`,
  ENOSPC: (shownPath) => `The disk is full; ${shownPath} was not written.`,
  EDQUOT: (shownPath) => `The disk quota is exceeded; ${shownPath} was not written.`,
  ENOTDIR: (shownPath) => `${shownPath} cannot be written: a part of that path is a file, not a directory.`,
  EISDIR: (shownPath) => `${shownPath} is a directory; give the path of a file.`,
};

/** A Node error from reading or writing `shownPath` as a plain `Error` that says what to do next. */
export function toWriteError(error: unknown, shownPath: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = code === undefined ? undefined : WRITE_MESSAGES[code];
  return message ? new Error(message(shownPath)) : toFsError(error, shownPath);
}
