/**
 * Makes untrusted text safe to print: every character that would steer the
 * terminal or hide text (ESC and other C0/C1 controls, DEL, bidi overrides,
 * zero-width and line-separator characters) is shown as a visible escape instead.
 */

/** Characters shown by name rather than by code. */
const NAMED: Record<string, string> = { '\u001b': '\\e', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// C0 controls, DEL and C1 controls; then bidi embeddings/overrides/isolates and marks
// (they reorder what is shown: "Trojan Source"), zero-width characters, the BOM,
// soft hyphen, line/paragraph separators and interlinear annotations (invisible or layout-breaking).
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;

/** `text` with every control, bidi and zero-width character replaced by a visible escape (`\e`, `\x07`, `\u{202e}`). */
export function toVisibleText(text: string): string {
  return text.replace(HIDDEN, escapeOf);
}

/** A piece of visible text: as it was, or the escape standing for a hidden character. */
export interface VisiblePart {
  text: string;
  isEscape: boolean;
}

/**
 * `text` made visible as `toVisibleText` does, in parts that say which are
 * escapes, so an approval box can draw them apart from typed text: a real ESC
 * and the two characters `\e` a command may contain read the same otherwise.
 * Tabs become spaces as in `toVisibleLines`; `text` is one line.
 */
export function toVisibleParts(text: string): VisiblePart[] {
  const line = expandTabs(text);
  const parts: VisiblePart[] = [];
  let last = 0;
  for (const match of line.matchAll(HIDDEN)) {
    if (match.index > last) parts.push({ text: line.slice(last, match.index), isEscape: false });
    parts.push({ text: escapeOf(match[0]), isEscape: true });
    last = match.index + match[0].length;
  }
  if (last < line.length || parts.length === 0) parts.push({ text: line.slice(last), isEscape: false });
  return parts;
}

function escapeOf(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Lines of multi-line text made visible one by one: line breaks stay breaks,
 * tabs become spaces (tab stops of 4) so columns line up as in an editor.
 */
export function toVisibleLines(text: string): string[] {
  return splitLines(text).map((line) => toVisibleText(expandTabs(line)));
}

/** `toVisibleLines` in parts (see `toVisibleParts`), for an approval box that draws escapes apart. */
export function toVisibleLineParts(text: string): VisiblePart[][] {
  return splitLines(text).map(toVisibleParts);
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Multi-line untrusted text (a model's answer, a server's message) made safe to print, its line breaks kept. */
export function toVisibleBlock(text: string): string {
  return toVisibleLines(text).join('\n');
}

function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let column = 0;
  let expanded = '';
  for (const character of line) {
    if (character === '\t') {
      const spaces = 4 - (column % 4);
      expanded += ' '.repeat(spaces);
      column += spaces;
    } else {
      expanded += character;
      column++;
    }
  }
  return expanded;
}

/** Columns a character takes in a terminal: 2 for wide East Asian and emoji, 0 for combining marks, else 1. */
export function charWidth(codePoint: number): number {
  if (codePoint >= 0x300 && codePoint <= 0x36f) return 0;
  const isWide =
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd);
  return isWide ? 2 : 1;
}

/**
 * Cuts one visible line into rows of at most `width` columns, so a long line
 * wraps whole instead of losing its tail at the screen edge. Always at least one row.
 */
export function wrapRow(line: string, width: number): string[] {
  return wrapParts([{ text: line, isEscape: false }], width).map((row) => row.map((part) => part.text).join(''));
}

/**
 * `wrapRow` for a line in parts: rows of parts, a part cut where a row ends.
 * An escape is never cut, unless it alone is wider than a row.
 */
export function wrapParts(parts: readonly VisiblePart[], width: number): VisiblePart[][] {
  const limit = Math.max(1, width);
  const rows: VisiblePart[][] = [];
  let row: VisiblePart[] = [];
  let used = 0;
  const endRow = () => {
    rows.push(row);
    row = [];
    used = 0;
  };
  for (const part of parts) {
    if (part.isEscape) {
      if (used + part.text.length > limit && row.length > 0) endRow();
      row.push(part);
      used += part.text.length;
      continue;
    }
    let piece = '';
    for (const character of part.text) {
      const columns = charWidth(character.codePointAt(0)!);
      if (used + columns > limit && (row.length > 0 || piece !== '')) {
        if (piece !== '') row.push({ text: piece, isEscape: false });
        piece = '';
        endRow();
      }
      piece += character;
      used += columns;
    }
    if (piece !== '') row.push({ text: piece, isEscape: false });
  }
  rows.push(row);
  return rows;
}
