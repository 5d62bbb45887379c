import type { Tolerance } from './tolerance';

/**
 * One form of an edit's snippets to look for, LF line breaks throughout: as
 * sent, or repaired of a slip (line-number prefixes, blank end lines). A
 * repaired form says which side of the match must fall on a line boundary,
 * so that dropping text never lets a snippet land inside a line.
 */
export interface SnippetVariant {
  oldString: string;
  newString: string;
  tolerances: Tolerance[];
  isStartAnchored: boolean;
  isEndAnchored: boolean;
}

/** read_file's prefix: the line number right-aligned in 5 columns, then a tab (models sometimes drop the padding). */
const LINE_NUMBER_PREFIX = /^ *(\d+)\t/;

/**
 * The forms to try, in order: as sent; without line-number prefixes; without
 * blank end lines (of the form as sent, then of the one without prefixes).
 */
export function snippetVariants(oldString: string, newString: string): SnippetVariant[] {
  const sent: SnippetVariant = { oldString, newString, tolerances: [], isStartAnchored: false, isEndAnchored: false };
  const unnumbered = withoutLineNumbers(sent);
  const forms = unnumbered === undefined ? [sent] : [sent, unnumbered];
  const unpadded = forms.map(withoutBlankEnds).filter((variant) => variant !== undefined);
  return [...forms, ...unpadded];
}

/**
 * Strips read_file's prefixes when every line of old_string carries one and
 * the numbers run on by one; new_string loses its prefixes only when every
 * one of its lines has one too (a model often sends new text without them).
 */
function withoutLineNumbers(variant: SnippetVariant): SnippetVariant | undefined {
  const numbers = wholeLines(variant.oldString).map((line) => LINE_NUMBER_PREFIX.exec(line)?.[1]);
  if (numbers.length === 0 || numbers.some((number) => number === undefined)) return undefined;
  if (numbers.some((number, index) => index > 0 && Number(number) !== Number(numbers[index - 1]) + 1)) return undefined;
  const oldString = stripPrefixes(variant.oldString);
  if (oldString.trim() === '') return undefined;
  const isNewNumbered = wholeLines(variant.newString).every((line) => LINE_NUMBER_PREFIX.test(line));
  const newString = isNewNumbered ? stripPrefixes(variant.newString) : variant.newString;
  return { ...variant, oldString, newString, tolerances: [...variant.tolerances, 'line-numbers'], isStartAnchored: true };
}

/**
 * Drops whitespace-only lines at either end of old_string, and the blank lines
 * at the same ends of new_string. Not for a deletion: with new_string left
 * empty, what to do with the line breaks around it would be a guess.
 */
function withoutBlankEnds(variant: SnippetVariant): SnippetVariant | undefined {
  const lines = variant.oldString.split('\n');
  const leading = countBlank(lines);
  const trailing = countBlank(lines.toReversed());
  if (leading === 0 && trailing === 0) return undefined;
  if (leading === lines.length) return undefined;
  const oldString = lines.slice(leading, lines.length - trailing).join('\n');
  let newLines = variant.newString.split('\n');
  if (leading > 0) newLines = newLines.slice(countBlank(newLines));
  if (trailing > 0) newLines = newLines.slice(0, newLines.length - countBlank(newLines.toReversed()));
  const newString = newLines.join('\n');
  if (newString.trim() === '') return undefined;
  return {
    ...variant,
    oldString,
    newString,
    tolerances: [...variant.tolerances, 'blank-lines'],
    isStartAnchored: variant.isStartAnchored || leading > 0,
    isEndAnchored: variant.isEndAnchored || trailing > 0,
  };
}

/** The lines of `text`; a final line break ends the last line rather than starting an empty one. */
function wholeLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function stripPrefixes(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(LINE_NUMBER_PREFIX, ''))
    .join('\n');
}

function countBlank(lines: readonly string[]): number {
  const index = lines.findIndex((line) => line.trim() !== '');
  return index === -1 ? lines.length : index;
}
