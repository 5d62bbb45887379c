import { snippetVariants, type SnippetVariant } from './input-repairs';
import { endingAt, lfViewOf, toLf, toOriginalOffset, type LfView } from './lf-view';
import { fileLinesOf, findLineWindows, replaceWindow, snippetLines, UnmappableIndentError, type FileLines, type LineMode } from './line-windows';
import { foldPunctuation, hasFoldable } from './punctuation';
import { sortTolerances, type Tolerance } from './tolerance';
import { keepUnchangedLines } from './unchanged-lines';

/** One replacement of a snippet, as update_file (and anything else that edits by snippet) asks for it. */
export interface SnippetEdit {
  oldString: string;
  newString: string;
  /** Every match instead of exactly one. */
  isReplaceAll?: boolean;
}

/** What became of a snippet edit; only `replaced` carries a new text. */
export type SnippetOutcome =
  | { type: 'replaced'; text: string; occurrences: number; tolerances: Tolerance[] }
  | { type: 'not-found' }
  /** More than one match (and no replace_all): `lines` are the first few matches' 1-based lines. */
  | { type: 'ambiguous'; count: number; lines: number[]; tolerances: Tolerance[] }
  /** The result would pass `maxBytes`; worked out before building it. */
  | { type: 'too-large'; bytes: number; occurrences: number }
  /** The match was found but replacing it changes nothing (new_string equals the file's text there). */
  | { type: 'unchanged'; tolerances: Tolerance[] }
  /** A changed line of new_string (1-based) cannot be re-indented at the match. */
  | { type: 'unmappable-indentation'; newLine: number; tolerances: Tolerance[] };

/**
 * Replaces `edit.oldString` in `text`: exactly when it occurs, else under the
 * first tolerance that finds it (trailing whitespace, indentation, typographic
 * punctuation; then the same after stripping read_file's line numbers, then
 * after dropping blank end lines). A tolerance finding more than one place
 * refuses rather than try a looser one; nothing is ever matched by similarity.
 * Line endings never count: the file keeps its own, and new text takes the
 * ending of the place it lands. `bytes` is the text's size on disk (defaults
 * to its UTF-8 length).
 */
export function replaceSnippet(request: { text: string; edit: SnippetEdit; maxBytes: number; bytes?: number }): SnippetOutcome {
  const { text, edit } = request;
  const search = createSearch(lfViewOf(text));
  const isReplaceAll = edit.isReplaceAll === true;
  for (const variant of snippetVariants(toLf(edit.oldString), toLf(edit.newString))) {
    // An empty snippet is everywhere; callers refuse it, and a search for it would never end.
    if (variant.oldString === '') continue;
    for (const level of LEVELS) {
      let found: Found | undefined;
      try {
        found = level.find(search, { variant, isReplaceAll });
      } catch (error) {
        if (!(error instanceof UnmappableIndentError)) throw error;
        return { type: 'unmappable-indentation', newLine: error.newLine, tolerances: sortTolerances([...variant.tolerances, ...level.allows]) };
      }
      if (found === undefined || found.starts.length === 0) continue;
      if (found.starts.length > 1 && !isReplaceAll) {
        const lines = lineNumbers(search.view.lf, found.starts.slice(0, 10));
        return { type: 'ambiguous', count: found.starts.length, lines, tolerances: sortTolerances([...variant.tolerances, ...level.allows]) };
      }
      const tolerances = sortTolerances([...variant.tolerances, ...found.tolerances]);
      return replaceFound(search.view, { found, tolerances, maxBytes: request.maxBytes, bytes: request.bytes ?? Buffer.byteLength(text) });
    }
  }
  return { type: 'not-found' };
}

/** The places one level found, in the LF text, with what goes in each. */
interface Found {
  /** Ascending; they overlap only when counted for ambiguity, never when replaced. */
  starts: number[];
  endOf: (index: number) => number;
  replacementOf: (index: number) => string;
  /** UTF-8 bytes of region `index` in the LF text (its CRs are counted apart). */
  lfBytesOf: (index: number) => number;
  tolerances: Tolerance[];
}

/** The file as every level searches it, the costly forms made once and only when asked for. */
interface Search {
  view: LfView;
  lines: () => FileLines;
  folded: () => string;
  hasFoldable: () => boolean;
}

function createSearch(view: LfView): Search {
  let lines: FileLines | undefined;
  let folded: string | undefined;
  let isFoldable: boolean | undefined;
  return {
    view,
    lines: () => (lines ??= fileLinesOf(view.lf)),
    folded: () => (folded ??= foldPunctuation(view.lf)),
    hasFoldable: () => (isFoldable ??= hasFoldable(view.lf)),
  };
}

/**
 * One way of looking for a snippet; `find` gives undefined when it cannot find
 * anything the levels before it missed. `allows` names what it tolerates, for
 * an ambiguous match (a replaced one names what each place really needed).
 */
interface Level {
  allows: Tolerance[];
  find: (search: Search, query: { variant: SnippetVariant; isReplaceAll: boolean }) => Found | undefined;
}

/** In order: exact, trailing whitespace, indentation, then the three again with typographic punctuation folded. */
const LEVELS: Level[] = [
  { allows: [], find: (search, query) => findSubstring(search, { ...query, isFolded: false }) },
  { allows: ['trailing-whitespace'], find: (search, query) => findLines(search, { ...query, mode: 'trim-end', isFolded: false }) },
  { allows: ['indentation'], find: (search, query) => findLines(search, { ...query, mode: 'dedent', isFolded: false }) },
  {
    allows: ['punctuation'],
    find: (search, query) => (canFold(search, query.variant) ? findSubstring(search, { ...query, isFolded: true }) : undefined),
  },
  {
    allows: ['punctuation', 'trailing-whitespace'],
    find: (search, query) => (canFold(search, query.variant) ? findLines(search, { ...query, mode: 'trim-end', isFolded: true }) : undefined),
  },
  {
    allows: ['punctuation', 'indentation'],
    find: (search, query) => (canFold(search, query.variant) ? findLines(search, { ...query, mode: 'dedent', isFolded: true }) : undefined),
  },
];

/** Folding can only find something new when the file or the snippet holds a typographic character. */
function canFold(search: Search, variant: SnippetVariant): boolean {
  return hasFoldable(variant.oldString) || search.hasFoldable();
}

/**
 * The snippet as a substring, non-overlapping (as `split` would cut it), in
 * the LF text or with punctuation folded on both sides. Folding keeps every
 * offset, so a folded match is the same range of the file.
 */
function findSubstring(search: Search, query: { variant: SnippetVariant; isFolded: boolean }): Found | undefined {
  const { variant, isFolded } = query;
  const { lf } = search.view;
  const haystack = isFolded ? search.folded() : lf;
  const needle = isFolded ? foldPunctuation(variant.oldString) : variant.oldString;
  const length = needle.length;
  const isAnchoredAt = (start: number) =>
    (!variant.isStartAnchored || start === 0 || lf[start - 1] === '\n') &&
    (!variant.isEndAnchored || start + length === lf.length || lf[start + length] === '\n');
  const starts: number[] = [];
  for (let index = haystack.indexOf(needle); index !== -1; ) {
    if (isAnchoredAt(index)) {
      starts.push(index);
      index = haystack.indexOf(needle, index + length);
    } else {
      index = haystack.indexOf(needle, index + 1);
    }
  }
  const lfBytes = Buffer.byteLength(variant.oldString);
  if (!isFolded) {
    return { starts, endOf: (index) => starts[index]! + length, replacementOf: () => variant.newString, lfBytesOf: () => lfBytes, tolerances: [] };
  }
  // Lines the edit leaves alone keep the file's own quotes and dashes.
  const oldLines = variant.oldString.split('\n');
  const newLines = variant.newString.split('\n');
  return {
    starts,
    endOf: (index) => starts[index]! + length,
    replacementOf: (index) => {
      const matched = lf.slice(starts[index]!, starts[index]! + length).split('\n');
      return keepUnchangedLines({ matched, oldLines, newLines, render: (line) => line }).join('\n');
    },
    lfBytesOf: (index) => Buffer.byteLength(lf.slice(starts[index]!, starts[index]! + length)),
    tolerances: ['punctuation'],
  };
}

/** Whole-line windows; with replace_all the overlapping ones after the first are dropped. */
function findLines(search: Search, query: { variant: SnippetVariant; mode: LineMode; isFolded: boolean; isReplaceAll: boolean }): Found | undefined {
  const { variant, mode, isFolded } = query;
  const file = search.lines();
  let windows = findLineWindows(file, { oldString: variant.oldString, mode, isFolded });
  if (windows.length > 1 && !query.isReplaceAll) {
    return { starts: windows.map((window) => file.starts[window.line]!), endOf: () => 0, replacementOf: () => '', lfBytesOf: () => 0, tolerances: [] };
  }
  const size = snippetLines(variant.oldString).lines.length;
  let next = 0;
  windows = windows.filter((window) => {
    if (window.line < next) return false;
    next = window.line + size;
    return true;
  });
  const replacements = windows.map((window) => replaceWindow(file, { window, oldString: variant.oldString, newString: variant.newString, mode, isFolded }));
  const { lf } = search.view;
  return {
    starts: replacements.map((replacement) => replacement.start),
    endOf: (index) => replacements[index]!.end,
    replacementOf: (index) => replacements[index]!.replacement,
    lfBytesOf: (index) => Buffer.byteLength(lf.slice(replacements[index]!.start, replacements[index]!.end)),
    tolerances: replacements.flatMap((replacement) => replacement.tolerances),
  };
}

/**
 * Builds the new text, each replacement in the line ending of the place it
 * lands, after sizing it by arithmetic: replace_all can grow a small file past
 * what memory holds.
 */
function replaceFound(view: LfView, result: { found: Found; tolerances: Tolerance[]; maxBytes: number; bytes: number }): SnippetOutcome {
  const { found, tolerances } = result;
  const { original } = view;
  const count = found.starts.length;
  const endings: ('\n' | '\r\n')[] = [];
  let bytes = result.bytes;
  // replace_all at the exact level hands back one string for every place: measure it once.
  let measured: { replacement: string; bytes: number } | undefined;
  for (let index = 0; index < count; index++) {
    const start = found.starts[index]!;
    const end = found.endOf(index);
    const ending = endingAt(view, { start, end });
    endings.push(ending);
    const replacement = found.replacementOf(index);
    if (measured?.replacement !== replacement) measured = { replacement, bytes: Buffer.byteLength(replacement) };
    const replacementBytes = measured.bytes + (ending === '\r\n' ? countBreaks(replacement) : 0);
    const regionCrs = toOriginalOffset(view, end) - end - (toOriginalOffset(view, start) - start);
    bytes += replacementBytes - found.lfBytesOf(index) - regionCrs;
  }
  if (bytes > result.maxBytes) return { type: 'too-large', bytes, occurrences: count };
  const pieces: string[] = [];
  let last = 0;
  for (let index = 0; index < count; index++) {
    const replacement = found.replacementOf(index);
    pieces.push(original.slice(last, toOriginalOffset(view, found.starts[index]!)));
    pieces.push(endings[index] === '\r\n' ? replacement.replaceAll('\n', '\r\n') : replacement);
    last = toOriginalOffset(view, found.endOf(index));
  }
  pieces.push(original.slice(last));
  const text = pieces.join('');
  if (text === original) return { type: 'unchanged', tolerances };
  return { type: 'replaced', text, occurrences: count, tolerances };
}

function countBreaks(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** 1-based line numbers of ascending offsets, counted in one pass. */
function lineNumbers(text: string, offsets: readonly number[]): number[] {
  const numbers: number[] = [];
  let line = 1;
  let position = 0;
  for (const offset of offsets) {
    for (let index = text.indexOf('\n', position); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
    position = offset;
    numbers.push(line);
  }
  return numbers;
}
