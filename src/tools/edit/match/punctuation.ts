/**
 * Typographic characters a model tends to write as ASCII (or the reverse):
 * curly quotes, en and em dashes, and the no-break spaces. Each maps to one
 * ASCII character, so folded text keeps every offset of the original.
 */
const FOLDS: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u00a0': ' ',
  '\u202f': ' ',
};
const FOLDABLE = /[\u2018\u2019\u201c\u201d\u2013\u2014\u00a0\u202f]/g;
const HAS_FOLDABLE = new RegExp(FOLDABLE.source);

/** `text` with its typographic quotes, dashes and no-break spaces as ASCII; the same length as `text`. */
export function foldPunctuation(text: string): string {
  return text.replace(FOLDABLE, (character) => FOLDS[character]!);
}

/** True when `text` holds a character `foldPunctuation` would change. */
export function hasFoldable(text: string): boolean {
  return HAS_FOLDABLE.test(text);
}
