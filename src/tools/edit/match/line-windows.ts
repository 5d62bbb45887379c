import { foldPunctuation } from './punctuation';
import type { Tolerance } from './tolerance';
import { keepUnchangedLines } from './unchanged-lines';

/**
 * How whole lines of old_string are compared with the file's: ignoring
 * trailing whitespace, or also indentation (the block's common indentation
 * removed, nested levels compared by width so tabs and spaces can stand for each other).
 */
export type LineMode = 'trim-end' | 'dedent';

/** One line cut into its indentation, its text and its trailing whitespace. */
interface LineShape {
  lead: string;
  /** The text between; punctuation folded when the comparison folds it. */
  content: string;
  trail: string;
}

/** The file's lines (of its LF text), their offsets, and their shapes, worked out once per search. */
export interface FileLines {
  lines: string[];
  starts: number[];
  shapes: (isFolded: boolean) => LineShape[];
  /** True when more of the file's indented lines start with a tab than with a space. */
  usesTabs: () => boolean;
}

/** A window of `count` file lines from `line` (0-based) that matches, and the tab width it matched with. */
export interface LineWindow {
  line: number;
  tabWidth: number;
}

/** A window made into a replacement: the LF range it covers and the text to put there. */
export interface WindowReplacement {
  start: number;
  end: number;
  replacement: string;
  tolerances: Tolerance[];
}

/** Thrown when a changed line of new_string would need less than no indentation at the match. */
export class UnmappableIndentError extends Error {
  constructor(readonly newLine: number) {
    super(`line ${newLine} of new_string is indented less than the file allows at the match`);
  }
}

/** Tab widths tried when tabs are on either side, most common first. */
const TAB_WIDTHS = [4, 2, 8] as const;

/** The lines of `lf` with lazily computed shapes. */
export function fileLinesOf(lf: string): FileLines {
  const lines = lf.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const cache = new Map<boolean, LineShape[]>();
  let usesTabs: boolean | undefined;
  return {
    lines,
    starts,
    shapes(isFolded) {
      let shapes = cache.get(isFolded);
      if (shapes === undefined) {
        shapes = lines.map((line) => shapeOf(line, isFolded));
        cache.set(isFolded, shapes);
      }
      return shapes;
    },
    usesTabs() {
      if (usesTabs === undefined) {
        const tabbed = lines.filter((line) => line.startsWith('\t')).length;
        usesTabs = tabbed > lines.filter((line) => line.startsWith(' ')).length;
      }
      return usesTabs;
    },
  };
}

/** old_string as whole lines: a final line break means the match must end with one too. */
export function snippetLines(text: string): { lines: string[]; hasFinalBreak: boolean } {
  if (text === '') return { lines: [], hasFinalBreak: false };
  const lines = text.split('\n');
  const hasFinalBreak = lines.length > 1 && lines.at(-1) === '';
  if (hasFinalBreak) lines.pop();
  return { lines, hasFinalBreak };
}

/**
 * Every window of the file's lines that old_string matches under `mode`,
 * overlapping ones included (each counts towards ambiguity).
 */
export function findLineWindows(file: FileLines, options: { oldString: string; mode: LineMode; isFolded: boolean }): LineWindow[] {
  const { lines: oldLines, hasFinalBreak } = snippetLines(options.oldString);
  const oldShapes = oldLines.map((line) => shapeOf(line, options.isFolded));
  const first = oldShapes.findIndex((shape) => shape.content !== '');
  if (first === -1) return [];
  const shapes = file.shapes(options.isFolded);
  const count = oldShapes.length;
  // With a final break the window's last line must have a line break after it: the file's last line has none.
  const lastStart = file.lines.length - count - (hasFinalBreak ? 1 : 0);
  const windows: LineWindow[] = [];
  for (let line = 0; line <= lastStart; line++) {
    if (shapes[line + first]!.content !== oldShapes[first]!.content) continue;
    const window = shapes.slice(line, line + count);
    if (!window.every((shape, index) => shape.content === oldShapes[index]!.content)) continue;
    const tabWidth = options.mode === 'trim-end' ? (sameIndentation(window, oldShapes) ? 4 : undefined) : matchingTabWidth(window, oldShapes);
    if (tabWidth !== undefined) windows.push({ line, tabWidth });
  }
  return windows;
}

/**
 * The replacement for one matched window: new_string's lines, unchanged ones
 * taken from the file, changed ones (in `dedent` mode) re-indented from
 * old_string's indentation to the window's, in the file's own style (tabs stay tabs).
 */
export function replaceWindow(
  file: FileLines,
  edit: { window: LineWindow; oldString: string; newString: string; mode: LineMode; isFolded: boolean },
): WindowReplacement {
  const { window } = edit;
  const { lines: oldLines, hasFinalBreak } = snippetLines(edit.oldString);
  const { lines: newLines, hasFinalBreak: newHasFinalBreak } = snippetLines(edit.newString);
  const matched = file.lines.slice(window.line, window.line + oldLines.length);
  const render = edit.mode === 'dedent' ? reindenter(file, { window, matched, oldLines }) : (line: string) => line;
  const lines = keepUnchangedLines({ matched, oldLines, newLines, render });
  const last = window.line + oldLines.length - 1;
  return {
    start: file.starts[window.line]!,
    end: file.starts[last]! + file.lines[last]!.length + (hasFinalBreak ? 1 : 0),
    replacement: lines.join('\n') + (newHasFinalBreak ? '\n' : ''),
    tolerances: differences({ matched, oldLines, isFolded: edit.isFolded }),
  };
}

/** Maps a changed line's indentation from old_string's base to the window's, written as the file writes it. */
function reindenter(file: FileLines, block: { window: LineWindow; matched: readonly string[]; oldLines: readonly string[] }): (line: string, index: number) => string {
  const { matched, oldLines } = block;
  const { tabWidth } = block.window;
  const fileShapes = matched.map((line) => shapeOf(line, false)).filter((shape) => shape.content !== '');
  const oldShapes = oldLines.map((line) => shapeOf(line, false)).filter((shape) => shape.content !== '');
  const oldBase = minOf(oldShapes.map((shape) => widthOf(shape.lead, tabWidth)));
  const fileBase = minOf(fileShapes.map((shape) => widthOf(shape.lead, tabWidth)));
  const baseLead = fileShapes.find((shape) => widthOf(shape.lead, tabWidth) === fileBase)!.lead;
  const hasIndent = fileShapes.some((shape) => shape.lead !== '');
  const usesTabs = hasIndent ? fileShapes.some((shape) => shape.lead.includes('\t')) : file.usesTabs();
  const indent = (width: number) => (usesTabs ? '\t'.repeat(Math.floor(width / tabWidth)) + ' '.repeat(width % tabWidth) : ' '.repeat(width));
  return (line, index) => {
    if (line.trim() === '') return '';
    const lead = /^[ \t]*/.exec(line)![0];
    const relative = widthOf(lead, tabWidth) - oldBase;
    if (fileBase + relative < 0) throw new UnmappableIndentError(index + 1);
    return (relative >= 0 ? baseLead + indent(relative) : indent(fileBase + relative)) + line.slice(lead.length);
  };
}

/** Which allowances the window really needed, line by line against old_string. */
function differences(block: { matched: readonly string[]; oldLines: readonly string[]; isFolded: boolean }): Tolerance[] {
  const { matched, oldLines, isFolded } = block;
  const tolerances = new Set<Tolerance>();
  matched.forEach((line, index) => {
    const mine = shapeOf(line, false);
    const theirs = shapeOf(oldLines[index]!, false);
    if (mine.content === '' || theirs.content === '') {
      if (line !== oldLines[index]) tolerances.add('trailing-whitespace');
      return;
    }
    if (mine.trail !== theirs.trail) tolerances.add('trailing-whitespace');
    if (mine.lead !== theirs.lead) tolerances.add('indentation');
    if (isFolded && mine.content !== theirs.content) tolerances.add('punctuation');
  });
  return [...tolerances];
}

function sameIndentation(window: readonly LineShape[], oldShapes: readonly LineShape[]): boolean {
  return window.every((shape, index) => shape.content === '' || shape.lead === oldShapes[index]!.lead);
}

/**
 * The tab width under which the window's indentation and old_string's have
 * the same shape once each block's least indentation is removed, or undefined.
 */
function matchingTabWidth(window: readonly LineShape[], oldShapes: readonly LineShape[]): number | undefined {
  const indices = oldShapes.flatMap((shape, index) => (shape.content === '' ? [] : [index]));
  const hasTab = indices.some((index) => window[index]!.lead.includes('\t') || oldShapes[index]!.lead.includes('\t'));
  for (const tabWidth of hasTab ? TAB_WIDTHS : TAB_WIDTHS.slice(0, 1)) {
    const mine = indices.map((index) => widthOf(window[index]!.lead, tabWidth));
    const theirs = indices.map((index) => widthOf(oldShapes[index]!.lead, tabWidth));
    const mineBase = minOf(mine);
    const theirBase = minOf(theirs);
    if (mine.every((width, position) => width - mineBase === theirs[position]! - theirBase)) return tabWidth;
  }
  return undefined;
}

/** The column a run of spaces and tabs reaches, tabs stopping every `tabWidth` columns. */
function widthOf(lead: string, tabWidth: number): number {
  let column = 0;
  for (const character of lead) column = character === '\t' ? column + tabWidth - (column % tabWidth) : column + 1;
  return column;
}

function shapeOf(line: string, isFolded: boolean): LineShape {
  const lead = /^[ \t]*/.exec(line)![0];
  // Scanned by hand: a regex anchored at the end retries from every position of a long line.
  let end = line.length;
  while (end > lead.length && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  const content = line.slice(lead.length, end);
  return { lead, content: isFolded ? foldPunctuation(content) : content, trail: line.slice(end) };
}

/** The least of `values` (a spread could overflow the stack on a long snippet). */
function minOf(values: readonly number[]): number {
  return values.reduce((least, value) => Math.min(least, value), Infinity);
}
