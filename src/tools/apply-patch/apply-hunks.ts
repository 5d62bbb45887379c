import { detectLineEnding } from '../edit/file-edit';
import { nearestLines } from './nearest-lines';
import type { HunkLine, UpdateHunk } from './parse-patch';
import { anchorBlock, createLineSeeker, type LineRange, type LineSeeker, type SeekResult } from './seek-lines';

/** Thrown when a hunk does not fit the file; the message names the file, the hunk and what the file holds instead. */
export class HunkMismatchError extends Error {
  override name = 'HunkMismatchError';
}

/** A file's line, without its line break, and the break it had (none for a last line without one). */
interface FileLine {
  text: string;
  eol: '\n' | '\r\n' | undefined;
}

/** Where one hunk goes: `length` old lines from `start` become the hunk's lines. */
interface Replacement {
  start: number;
  length: number;
  lines: readonly HunkLine[];
}

/**
 * The text of a file once `hunks` are applied, in order, each after the one
 * before. Context lines keep the file's own text (a loose match never rewrites
 * them); added lines take the file's line ending (CRLF stays CRLF); a file
 * without a final newline keeps none. Throws `HunkMismatchError` for a hunk
 * that matches nowhere, or in two places.
 */
export function applyHunks(text: string, hunks: readonly UpdateHunk[], shownPath: string): string {
  const lines = splitFileLines(text);
  const texts = lines.map((line) => line.text);
  const seeker = createLineSeeker(texts);
  const replacements: Replacement[] = [];
  let cursor = 0;
  hunks.forEach((hunk, hunkIndex) => {
    const where = `${shownPath}: hunk ${hunkIndex + 1} (patch line ${hunk.patchLine})`;
    let ranges: LineRange[] = [{ from: cursor, to: texts.length }];
    let anchorLine: number | undefined;
    for (const anchor of hunk.anchors) {
      const found = seekIn(seeker, [anchor], ranges, false);
      if (found.type !== 'found') throw new HunkMismatchError(anchorMessage({ where, anchor, found, texts, after: cursor }));
      anchorLine = found.start;
      ranges = narrowTo(texts, found.start);
    }
    const old = oldLines(hunk.lines);
    if (old.length === 0) {
      // Pure additions go right after their anchor, or (as in Codex) at the end of the file.
      const start = anchorLine === undefined ? texts.length : anchorLine + 1;
      replacements.push({ start, length: 0, lines: hunk.lines });
      if (anchorLine !== undefined) cursor = start;
      return;
    }
    // `*** End of File` pins the hunk to the file's end: a narrower block that ends earlier cannot hold it.
    if (hunk.isEndOfFile) ranges = ranges.filter((range) => range.to === texts.length);
    let hunkLines: readonly HunkLine[] = hunk.lines;
    let found = seekIn(seeker, old, ranges, hunk.isEndOfFile);
    const trimmed = withoutTrailingBlankContext(hunk.lines);
    if (found.type === 'missing' && trimmed.length < hunk.lines.length && oldLines(trimmed).length > 0) {
      // A blank context line at a hunk's end is often the patch's own spacing, not a line of the file (as Codex retries).
      hunkLines = trimmed;
      found = seekIn(seeker, oldLines(trimmed), ranges, hunk.isEndOfFile);
    }
    if (found.type === 'ambiguous') throw new HunkMismatchError(ambiguousMessage(where, found.starts));
    if (found.type === 'missing') {
      throw new HunkMismatchError(missingMessage({ where, seeker, texts, old, range: ranges.at(-1)!, isAtEnd: hunk.isEndOfFile }));
    }
    const length = oldLines(hunkLines).length;
    replacements.push({ start: found.start, length, lines: hunkLines });
    cursor = found.start + length;
  });
  return joinFileLines(replace(lines, replacements), text);
}

function splitFileLines(text: string): FileLine[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const hasFinalNewline = parts.at(-1) === '';
  if (hasFinalNewline) parts.pop();
  return parts.map((part, index) => {
    const isLast = index === parts.length - 1;
    if (isLast && !hasFinalNewline) return { text: part, eol: undefined };
    return part.endsWith('\r') ? { text: part.slice(0, -1), eol: '\r\n' } : { text: part, eol: '\n' };
  });
}

/** The new lines joined: each keeps its own break; new ones, and an old last line that now has a successor, take the file's. */
function joinFileLines(lines: readonly FileLine[], original: string): string {
  const ending = detectLineEnding(original);
  // An empty file counts as ending in a newline: what is added to it is whole lines.
  const hasFinalNewline = original === '' || original.endsWith('\n');
  return lines
    .map((line, index) => {
      if (index === lines.length - 1 && !hasFinalNewline) return line.text;
      return line.text + (line.eol ?? ending);
    })
    .join('');
}

function replace(lines: readonly FileLine[], replacements: Replacement[]): FileLine[] {
  // Stable: two additions at one place stay in patch order.
  const ordered = [...replacements].sort((a, b) => a.start - b.start);
  const result: FileLine[] = [];
  let next = 0;
  for (const { start, length, lines: hunkLines } of ordered) {
    result.push(...lines.slice(next, start));
    let position = start;
    for (const line of hunkLines) {
      if (line.kind === 'add') result.push({ text: line.text, eol: undefined });
      else if (line.kind === 'context') result.push(lines[position++]!);
      else position++;
    }
    next = start + length;
  }
  result.push(...lines.slice(next));
  return result;
}

function oldLines(lines: readonly HunkLine[]): string[] {
  return lines.filter((line) => line.kind !== 'add').map((line) => line.text);
}

function withoutTrailingBlankContext(lines: readonly HunkLine[]): readonly HunkLine[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.kind === 'context' && lines[end - 1]!.text.trim() === '') end--;
  return lines.slice(0, end);
}

/** The first of `ranges` (narrowest first) where the lines are found or ambiguous decides. */
function seekIn(seeker: LineSeeker, pattern: readonly string[], ranges: readonly LineRange[], isAtEnd: boolean): SeekResult {
  for (const range of ranges) {
    const result = seeker.seek(pattern, range, isAtEnd);
    if (result.type !== 'missing') return result;
  }
  return { type: 'missing' };
}

/** After an anchor: its block first, then the rest of the file. */
function narrowTo(texts: readonly string[], anchor: number): LineRange[] {
  const block = anchorBlock(texts, anchor);
  const rest = { from: anchor + 1, to: texts.length };
  return block.to === rest.to ? [rest] : [block, rest];
}

function ambiguousMessage(where: string, starts: [number, number]): string {
  return (
    `${where} matches the file in more than one place (at lines ${starts[0] + 1} and ${starts[1] + 1}), and shoal never guesses. ` +
    "Add context lines that differ between the places, or an '@@ <line>' header naming the function or class it is in."
  );
}

function anchorMessage(options: { where: string; anchor: string; found: SeekResult; texts: readonly string[]; after: number }): string {
  const { where, anchor, found } = options;
  if (found.type === 'ambiguous') {
    return (
      `${where}: its '@@ ${clip(anchor)}' header matches lines ${found.starts[0] + 1} and ${found.starts[1] + 1}, and shoal never guesses. ` +
      "Make the header a line that occurs once, or stack headers ('@@ class A' then '@@ def f') to reach the right place."
    );
  }
  const from = options.after === 0 ? '' : ` after line ${options.after}`;
  return `${where}: its '@@ ${clip(anchor)}' header was not found${from}.${nearestText(options.texts, anchor)}`;
}

/**
 * Why a hunk's old lines are nowhere: its first line that cannot follow the
 * ones before it (the longest run of them that is somewhere in the file),
 * what the file has there instead, and the lines most like it.
 */
function missingMessage(options: {
  where: string;
  seeker: LineSeeker;
  texts: readonly string[];
  old: readonly string[];
  range: LineRange;
  isAtEnd: boolean;
}): string {
  const { where, seeker, texts, old, range } = options;
  if (options.isAtEnd) {
    const anywhere = seeker.seek(old, range);
    if (anywhere.type !== 'missing') {
      const at = anywhere.type === 'found' ? anywhere.start : anywhere.starts[0];
      return `${where} is marked '*** End of File', but its lines are at line ${at + 1}, not at the end of the file. Drop the marker or match the file's last lines.`;
    }
  }
  let matched = 0;
  let start: number | undefined;
  while (matched < old.length) {
    const prefix = seeker.seek(old.slice(0, matched + 1), range);
    if (prefix.type === 'missing') break;
    start = prefix.type === 'found' ? prefix.start : prefix.starts[0];
    matched++;
  }
  const failing = old[Math.min(matched, old.length - 1)]!;
  const from = range.from === 0 ? '' : ` after line ${range.from}`;
  let message = `${where} does not match the file: its line '${clip(failing)}' was not found${from}.`;
  if (start !== undefined && matched > 0) {
    const there = texts[start + matched];
    const instead = there === undefined ? 'the file ends there' : `line ${start + matched + 1} is '${clip(there)}'`;
    const before = matched === 1 ? 'line before it matches' : `${matched} lines before it match`;
    message += ` The ${before} from line ${start + 1}, and then ${instead}.`;
  }
  return message + nearestText(texts, failing);
}

function nearestText(texts: readonly string[], wanted: string): string {
  const near = nearestLines(texts, wanted);
  if (near.length === 0) return ' No line of the file is close to it: read the file again.';
  const shown = near.map((line) => `${line.index + 1}: ${clip(line.text)}`).join('\n  ');
  return `\nThe most similar lines in the file (for you to compare; never applied):\n  ${shown}`;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
