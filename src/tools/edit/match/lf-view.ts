/**
 * A file's text with every CRLF written as LF, and where the CRLFs were, so a
 * snippet is matched once whatever the line endings and a match maps back to
 * the file's own offsets (a mixed file keeps each line's ending).
 */
export interface LfView {
  original: string;
  lf: string;
  /** Offsets in `lf` of the line breaks that are CRLF in `original`, ascending. */
  crlfBreaks: number[];
  /** The ending most lines use; new lines get it when nothing nearer says otherwise. */
  dominant: '\n' | '\r\n';
}

/** The LF view of `text`. */
export function lfViewOf(text: string): LfView {
  const crlfBreaks: number[] = [];
  for (let index = text.indexOf('\r\n'); index !== -1; index = text.indexOf('\r\n', index + 2)) {
    crlfBreaks.push(index - crlfBreaks.length);
  }
  if (crlfBreaks.length === 0) return { original: text, lf: text, crlfBreaks, dominant: '\n' };
  const lf = text.replaceAll('\r\n', '\n');
  const lfBreaks = lf.split('\n').length - 1 - crlfBreaks.length;
  return { original: text, lf, crlfBreaks, dominant: crlfBreaks.length > lfBreaks ? '\r\n' : '\n' };
}

/** `text` with CRLF line breaks written as LF. */
export function toLf(text: string): string {
  return text.replaceAll('\r\n', '\n');
}

/** How many CRLF breaks lie before `offset` (an offset in `lf`). */
function crlfBefore(view: LfView, offset: number): number {
  let low = 0;
  let high = view.crlfBreaks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (view.crlfBreaks[middle]! < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The offset in `original` of `offset` in `lf`; a break's offset maps to its CR, so a range keeps whole CRLFs. */
export function toOriginalOffset(view: LfView, offset: number): number {
  return offset + crlfBefore(view, offset);
}

/**
 * The ending the replacement of `lf[start, end)` should use: the one most of
 * the region's own breaks use, else that of the line it sits on, else the file's.
 */
export function endingAt(view: LfView, range: { start: number; end: number }): '\n' | '\r\n' {
  const { start, end } = range;
  if (view.crlfBreaks.length === 0) return '\n';
  let breaks = 0;
  for (let index = view.lf.indexOf('\n', start); index !== -1 && index < end; index = view.lf.indexOf('\n', index + 1)) breaks++;
  if (breaks > 0) {
    const crlf = crlfBefore(view, end) - crlfBefore(view, start);
    if (crlf * 2 === breaks) return view.dominant;
    return crlf * 2 > breaks ? '\r\n' : '\n';
  }
  const next = view.lf.indexOf('\n', end);
  if (next === -1) return view.dominant;
  return view.crlfBreaks[crlfBefore(view, next)] === next ? '\r\n' : '\n';
}
