import type { Stats } from 'node:fs';
import { readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { BINARY_SNIFF_BYTES, isBinary } from '../workspace/binary';
import { snapshotOf } from './edit/file-tracker';
import { capLines, formatBytes, plural, truncateLine, utf8Prefix } from './output-cap';
import { describePath, resolveToolPath, toFsError, type ToolPath } from '../workspace/tool-path';
import { openRegularFile, readHead } from '../workspace/regular-file';
import { decodeText } from '../workspace/text-encoding';
import type { ShoalTool, ToolOptions, ToolResult } from './types';
import { readImageResult } from './images/read-image-result';
import { sniffOpenFile } from '../workspace/images/read-image';

const DEFAULT_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;
const MAX_OUTPUT_BYTES = 256 * 1024;
/** Above this a file is only read as a line range, streamed, never whole. */
const MAX_WHOLE_FILE_BYTES = 10 * 1024 * 1024;

/** Input of the `read_file` tool. */
export const readFileInputSchema = z.object({
  path: z.string().min(1).describe('File to read, relative to the workspace root.'),
  offset: z.number().int().min(1).optional().describe('First line number to show (1-based). Default 1.'),
  limit: z.number().int().min(1).optional().describe(`How many lines to show. Default ${DEFAULT_LIMIT}.`),
});

/** Input of the `read_file` tool. */
export type ReadFileInput = z.infer<typeof readFileInputSchema>;

/** Some consecutive lines of a file, and what is known about the rest. */
interface LineWindow {
  lines: string[];
  /** Undefined when a big file was not read to its end. */
  totalLines: number | undefined;
  hasMore: boolean;
  /** False when the file (or, for a big file, a line shown) is not valid UTF-8 and was decoded as Latin-1. */
  isUtf8: boolean;
  /** For a big file: the full byte length of each line that was too long to hold, undefined for the others. */
  lineBytes?: (number | undefined)[];
}

/**
 * Reads a text file as numbered lines, in windows of `offset`/`limit` for long
 * files, and records what it saw in `options.tracker` for the write tools' stale-edit guard.
 * A file that is not UTF-8 is shown decoded as Latin-1, with a note saying so.
 */
export function createReadFileTool(options: ToolOptions): ShoalTool<ReadFileInput> {
  return {
    name: 'read_file',
    description:
      'Read a text file. Output lines are numbered "<line number><tab><content>", 1-based. ' +
      `Shows up to ${DEFAULT_LIMIT} lines from offset (default 1) and at most 256 KiB; ` +
      `lines over ${MAX_LINE_CHARS} characters are cut. When output is cut, the last line says which offset reads on. ` +
      'Files over 10 MiB need offset/limit (find the lines with grep first). ' +
      'A PNG, JPEG, GIF or WebP image (up to 5 MB) comes back as the image itself, or as a note of its size where the model takes no images. ' +
      'Refuses other binary files, directories (use list_dir) and special files (FIFOs, sockets, devices). A file that is not UTF-8 is shown decoded as Latin-1, with a note. ' +
      'Batch independent read-only calls (read_file, list_dir, glob, grep) in one response; they run in parallel.',
    inputSchema: readFileInputSchema,
    kind: 'read-only',
    describe(input) {
      const shown = describePath(options.cwd, input.path);
      if (input.offset === undefined && input.limit === undefined) return shown;
      const first = input.offset ?? 1;
      return `${shown}:${first}-${input.limit === undefined ? '' : first + input.limit - 1}`;
    },
    async execute(input, { signal }) {
      const file = await resolveToolPath(options.cwd, input.path);
      const shown = file.shownPath;
      // The handle is judged, not the path: what is read is the regular file that was checked, and a FIFO never blocks.
      const opened = await openRegularFile(file.absolute).catch(async (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(await missingFileMessage(file));
        throw toFsError(error, shown);
      });
      if (!opened.isRegular) {
        if (opened.kind === 'a directory') throw new Error(`${shown} is a directory; use list_dir to see what it holds.`);
        throw new Error(`${shown} is ${opened.kind}, not a regular file; read_file reads regular files only.`);
      }
      const { handle, stats } = opened;
      try {
        const image = await sniffOpenFile(handle, stats.size);
        if (image) return await readImageResult({ handle, stats, path: shown, kind: image, isTakingImages: options.isTakingImages?.() ?? false });
        return await readOpenFile({ handle, stats, file, input, signal, tracker: options.tracker });
      } catch (error) {
        throw error instanceof Error && !('code' in error) ? error : toFsError(error, shown);
      } finally {
        await handle.close();
      }
    },
  };
}

/** Reads the wanted lines of an opened regular file, never more than its size when opened, nor all of a big one. */
async function readOpenFile(options: {
  handle: FileHandle;
  stats: Stats;
  file: ToolPath;
  input: ReadFileInput;
  signal: AbortSignal;
  tracker: ToolOptions['tracker'];
}): Promise<ToolResult> {
  const { handle, stats, file, input, tracker } = options;
  const shown = file.shownPath;
  if (stats.size === 0) {
    tracker?.record(file.absolute, snapshotOf(new Uint8Array(), stats.mtimeMs));
    return { output: `${shown} is empty (0 bytes).`, summary: 'empty' };
  }
  if (isBinary(await readHead(handle, Math.min(stats.size, BINARY_SNIFF_BYTES)))) {
    throw new Error(`${shown} is a binary file (${formatBytes(stats.size)}); read_file shows text only.`);
  }

  const offset = input.offset ?? 1;
  const limit = input.limit ?? DEFAULT_LIMIT;
  const isBig = stats.size > MAX_WHOLE_FILE_BYTES;
  if (isBig && input.offset === undefined && input.limit === undefined) {
    throw new Error(
      `${shown} is ${formatBytes(stats.size)}, over the 10 MiB limit for reading whole. ` +
        'Use grep to find the lines you need, then read_file with offset and limit.',
    );
  }
  let window: LineWindow;
  if (isBig) {
    window = await readLineRange(handle, offset, limit, options.signal);
    // Only a range was read: size and mtime are what the write tools can compare (they refuse files this big anyway).
    tracker?.record(file.absolute, { size: stats.size, mtimeMs: stats.mtimeMs });
  } else {
    const bytes = await readHead(handle, stats.size);
    tracker?.record(file.absolute, snapshotOf(bytes, stats.mtimeMs));
    const decoded = decodeText(bytes);
    window = { ...sliceLines(decoded.text, offset, limit), isUtf8: decoded.isUtf8 };
  }
  if (window.lines.length === 0) {
    throw new Error(`${shown} has ${plural(window.totalLines ?? 0, 'line')}; offset ${offset} is past the end.`);
  }
  return formatWindow({ window, offset, size: stats.size, shown });
}

/** Numbers the lines, applies the byte cap and says where to read on. */
function formatWindow(options: { window: LineWindow; offset: number; size: number; shown: string }): ToolResult {
  const { window, offset } = options;
  const numbered = window.lines.map((line, index) => {
    const bytes = window.lineBytes?.[index];
    const shown =
      bytes === undefined
        ? truncateLine(line, MAX_LINE_CHARS)
        : `${line.slice(0, MAX_LINE_CHARS)}… [line cut at ${MAX_LINE_CHARS} characters of ${formatBytes(bytes)}; see other parts of it with bash, e.g. cut -c or grep -o]`;
    return `${String(offset + index).padStart(5)}\t${shown}`;
  });
  const capped = capLines(numbered, { maxLines: Infinity, maxBytes: MAX_OUTPUT_BYTES });
  const last = offset + capped.lines.length - 1;
  const isComplete = offset === 1 && capped.cutBy === undefined && !window.hasMore;
  const of = window.totalLines === undefined ? `of a ${formatBytes(options.size)} file` : `of ${window.totalLines}`;
  const output = window.isUtf8 ? [...capped.lines] : [notUtf8Note(options.shown), ...capped.lines];
  if (capped.cutBy !== undefined || window.hasMore) {
    const why = capped.cutBy === undefined ? '' : ' (output capped at 256 KiB)';
    output.push(`[Showing lines ${offset}-${last} ${of}${why}. Use offset=${last + 1} to read more.]`);
  }
  const summary = isComplete ? plural(window.lines.length, 'line') : `lines ${offset}-${last} ${of}`;
  return { output: output.join('\n'), summary: window.isUtf8 ? summary : `${summary}, not UTF-8` };
}

function notUtf8Note(shown: string): string {
  return (
    `[${shown} is not valid UTF-8: shown decoded as Latin-1. update_file and write_file will refuse to change it; ` +
    'if it must change, use bash (e.g. iconv to convert it, or sed).]'
  );
}

function sliceLines(text: string, offset: number, limit: number): Omit<LineWindow, 'isUtf8'> {
  const lines = text.split(/\r?\n/);
  // A final newline ends the last line; it does not start another.
  if (lines.at(-1) === '') lines.pop();
  const end = Math.min(lines.length, offset - 1 + limit);
  return { lines: lines.slice(offset - 1, end), totalLines: lines.length, hasMore: end < lines.length };
}

/** Bytes read from a big file at a time. */
const CHUNK_BYTES = 1024 * 1024;
/** Enough bytes of one line for MAX_LINE_CHARS characters of any width: a longer line is only counted, never held. */
const MAX_LINE_BYTES = MAX_LINE_CHARS * 4 + 4;

/**
 * Scans a big file in chunks for line breaks and keeps only the wanted lines,
 * each at most MAX_LINE_BYTES and all of them about the output cap, so no
 * string grows with the file (a 500 MB line included). Stops one line after
 * the window. A kept line is decoded as UTF-8 when it is valid, else Latin-1.
 */
async function readLineRange(handle: FileHandle, offset: number, limit: number, signal: AbortSignal): Promise<LineWindow> {
  // The caller opened the handle (a checked regular file) and closes it.
  const lines: string[] = [];
  const lineBytes: (number | undefined)[] = [];
  let isUtf8 = true;
  let lineNumber = 1;
  let parts: Buffer[] = [];
  let held = 0;
  let length = 0;
  let keptTotal = 0;
  const endLine = () => {
    if (lineNumber >= offset) {
      let bytes: Uint8Array = Buffer.concat(parts);
      const isCut = length > held;
      if (isCut) bytes = utf8Prefix(bytes, held);
      else if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
      const decoded = decodeText(bytes);
      isUtf8 &&= decoded.isUtf8;
      // decodeText drops a byte order mark; only the first line's is one.
      lines.push(decoded.hasBom && lineNumber > 1 ? `\uFEFF${decoded.text}` : decoded.text);
      lineBytes.push(isCut ? length : undefined);
      keptTotal += held;
    }
    lineNumber++;
    parts = [];
    held = 0;
    length = 0;
  };
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let isLineOpen = false;
  for (;;) {
    signal.throwIfAborted();
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) break;
    for (let start = 0; start < bytesRead; ) {
      // The window is full (by count, or past the output cap) and more follows.
      if (lines.length === limit || keptTotal > MAX_OUTPUT_BYTES) return { lines, lineBytes, totalLines: undefined, hasMore: true, isUtf8 };
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 || newline >= bytesRead ? bytesRead : newline;
      if (lineNumber >= offset && held < MAX_LINE_BYTES) {
        const take = Math.min(end - start, MAX_LINE_BYTES - held);
        parts.push(Buffer.from(chunk.subarray(start, start + take)));
        held += take;
      }
      length += end - start;
      isLineOpen = true;
      if (end === bytesRead) break;
      endLine();
      isLineOpen = false;
      start = end + 1;
    }
  }
  // A last line without a final newline still counts.
  if (isLineOpen && length > 0) endLine();
  return { lines, lineBytes, totalLines: lineNumber - 1, hasMore: false, isUtf8 };
}

/** "No file at src/x.ts. Did you mean src/x.tsx?" when a sibling differs only in case or extension. */
async function missingFileMessage(file: ToolPath): Promise<string> {
  const siblings = await readdir(path.dirname(file.absolute)).catch(() => undefined);
  if (siblings === undefined) {
    return `No file at ${file.shownPath}, and its directory does not exist either. Use glob to find the file.`;
  }
  const wanted = path.basename(file.absolute).toLowerCase();
  const wantedStem = stem(wanted);
  const sameName = siblings.filter((name) => name.toLowerCase() === wanted);
  const sameStem = siblings.filter((name) => name.toLowerCase() !== wanted && stem(name.toLowerCase()) === wantedStem);
  const suggestions = [...sameName, ...sameStem.sort()]
    .slice(0, 3)
    .map((name) => path.posix.join(path.posix.dirname(file.shownPath), name));
  if (suggestions.length === 0) return `No file at ${file.shownPath}. Use list_dir or glob to find the right path.`;
  return `No file at ${file.shownPath}. Did you mean ${suggestions.join(' or ')}?`;
}

/** "app.test.ts" -> "app.test"; names without an extension stay whole. */
function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
