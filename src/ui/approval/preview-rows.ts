import type { PatchFilePreview } from '../../tools/types';
import { toVisibleLineParts, toVisibleParts, wrapParts, type VisiblePart } from '../visible-text';

/** How a row of an approval preview is coloured. */
export type RowTone = 'added' | 'removed' | 'hunk' | 'header' | 'note' | 'command' | 'dim' | 'plain' | 'file' | 'protected';

/** One screen row of a preview: made visible, wrapped to the box's width, and the source line it belongs to. */
export interface PreviewRow {
  text: string;
  /** `text` in parts, the escapes of hidden characters marked, to be drawn apart from typed text. */
  parts: VisiblePart[];
  tone: RowTone;
  /** 0-based index of the source line, so cut notes can count lines rather than rows. */
  line: number;
}

/** The rows of a unified diff, coloured per line; long lines wrap whole. */
export function diffRows(diff: string, width: number): PreviewRow[] {
  const lines = toVisibleLineParts(diff.replace(/\n$/, ''))
    .map((parts) => ({ parts, text: textOf(parts) }))
    .filter(({ text }) => !text.startsWith('Index: ') && !/^={10,}$/.test(text));
  return lines.flatMap(({ parts, text }, index) => toRows(parts, diffTone(text), index, width));
}

/**
 * The rows of a patch: per file, a title row (what happens to it, its line
 * counts, a warning when it is protected), then its diff without the
 * `---`/`+++` lines the title already names. Source lines count on across
 * files, so the pager's "lines x-y of z" covers the whole patch.
 */
export function patchRows(files: readonly PatchFilePreview[], width: number): PreviewRow[] {
  const rows: PreviewRow[] = [];
  let line = 0;
  for (const file of files) {
    const tone = file.protectedReason === undefined ? 'file' : 'protected';
    rows.push(...toRows(toVisibleParts(fileTitle(file)), tone, line++, width));
    const diff = file.diff.split('\n').filter((text, index) => index > 1 || !/^(---|\+\+\+) /.test(text)).join('\n');
    for (const row of diffRows(diff, width)) rows.push({ ...row, line: line + row.line });
    line = lineCount(rows);
  }
  return rows;
}

/** A file's title row, e.g. "● update src/a.ts  +2 -1" or "● move a.ts → b.ts (replaces the existing b.ts)  +0 -0". */
export function fileTitle(file: PatchFilePreview): string {
  const via = file.requestedPath === undefined ? '' : ` (via ${file.requestedPath})`;
  const target = file.change === 'move' ? `${file.movedFrom} → ${file.path}` : file.path;
  const replaces = file.replacesExisting ? ` (replaces the existing ${file.path})` : '';
  const counts = file.change === 'delete' ? `-${file.removed}` : file.change === 'create' && !file.replacesExisting ? `+${file.added}` : `+${file.added} -${file.removed}`;
  const warning = file.protectedReason === undefined ? '' : '  ⚠ protected';
  return `● ${file.change} ${target}${via}${replaces}  ${counts}${warning}`;
}

/** The rows of a command (`$ ` before its first line) and the folder it runs in. */
export function commandRows(command: string, cwd: string, width: number): PreviewRow[] {
  const lines = toVisibleLineParts(command);
  const rows = lines.flatMap((line, index) => toRows([typed(index === 0 ? '$ ' : '  '), ...line], 'command', index, width));
  return [...rows, ...toRows([typed('in '), ...toVisibleParts(cwd)], 'dim', lines.length, width)];
}

/** The rows of a URL a fetch will request, whole, wrapped to the box (a query can carry data out: none of it may hide). */
export function fetchRows(url: string, width: number): PreviewRow[] {
  return toRows(toVisibleParts(url), 'command', 0, width);
}

/** The rows of a call's raw input, for tools without a preview. */
export function inputRows(input: unknown, width: number): PreviewRow[] {
  return toRows(toVisibleParts(JSON.stringify(input) ?? 'undefined'), 'dim', 0, width);
}

/**
 * The rows of an MCP call's input: the whole of it as indented JSON, every
 * string escaped, long lines wrapped rather than cut, so nothing sent is hidden.
 */
export function toolInputRows(input: unknown, width: number): PreviewRow[] {
  const lines = toVisibleLineParts(JSON.stringify(input, null, 2) ?? 'undefined');
  return lines.flatMap((line, index) => toRows(line, 'plain', index, width));
}

/** How many source lines `rows` span (the line of the last row, plus one). */
export function lineCount(rows: readonly PreviewRow[]): number {
  return rows.length === 0 ? 0 : rows.at(-1)!.line + 1;
}

function typed(text: string): VisiblePart {
  return { text, isEscape: false };
}

function textOf(parts: readonly VisiblePart[]): string {
  return parts.map((part) => part.text).join('');
}

function toRows(line: VisiblePart[], tone: RowTone, index: number, width: number): PreviewRow[] {
  const parts = textOf(line) === '' ? [typed(' ')] : line;
  return wrapParts(parts, width).map((rowParts) => ({ text: textOf(rowParts), parts: rowParts, tone, line: index }));
}

function diffTone(line: string): RowTone {
  if (line.startsWith('+++') || line.startsWith('---')) return 'header';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('\\')) return 'note';
  return 'plain';
}

/** What part of a preview the box shows, and the line saying what is cut or where the pager is. */
export interface PreviewWindow {
  rows: PreviewRow[];
  /** Absent when every row fits. */
  note?: string;
}

/**
 * The rows that fit in `maxRows` (the note included). Without `offset` the
 * preview starts at the top and says how much is cut; with one, it is the pager
 * view from that row. Pure, so the prompt can memoise it.
 */
export function windowRows(rows: readonly PreviewRow[], maxRows: number, offset: number | undefined): PreviewWindow {
  const total = lineCount(rows);
  if (offset === undefined) {
    if (rows.length <= maxRows) return { rows: [...rows] };
    const shown = rows.slice(0, Math.max(1, maxRows - 1));
    const next = rows[shown.length]!;
    const hidden = total - next.line;
    const partly = next.line === shown.at(-1)!.line ? ' (one in part)' : '';
    return { rows: shown, note: `… ${hidden} more ${hidden === 1 ? 'line' : 'lines'}${partly} not shown · press v to view all` };
  }
  const page = pageSize(maxRows);
  const start = clampOffset(offset, rows.length, maxRows);
  const shown = rows.slice(start, start + page);
  const range = `lines ${shown[0]!.line + 1}–${shown.at(-1)!.line + 1} of ${total}`;
  return { rows: shown, note: `${range} · ↑↓ scroll · space/b page · g/G top/end · v or Esc back` };
}

/** Rows per pager page: the box's rows less the note. */
export function pageSize(maxRows: number): number {
  return Math.max(1, maxRows - 1);
}

/** `offset` kept within the rows, so the last page is full. */
export function clampOffset(offset: number, rowCount: number, maxRows: number): number {
  return Math.max(0, Math.min(offset, rowCount - pageSize(maxRows)));
}
