/**
 * Typographic characters a model tends to write as ASCII (or the reverse):
 * curly quotes, dashes and the typeset spaces (the set Codex normalises).
 * Each maps to one ASCII character, so folded text keeps every offset of the original.
 */
const FOLDS: Readonly<Record<string, string>> = {
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"',
  '\u00A0': ' ', '\u2002': ' ', '\u2003': ' ', '\u2004': ' ', '\u2005': ' ', '\u2006': ' ',
  '\u2007': ' ', '\u2008': ' ', '\u2009': ' ', '\u200A': ' ', '\u202F': ' ', '\u205F': ' ', '\u3000': ' ',
};
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');
const HAS_FOLDABLE = new RegExp(FOLDABLE.source);

/** `text` with its typographic quotes, dashes and no-break spaces as ASCII; the same length as `text`. */
export function foldPunctuation(text: string): string {
  return text.replace(FOLDABLE, (character) => FOLDS[character]!);
}

/** True when `text` holds a character `foldPunctuation` would change. */
export function hasFoldable(text: string): boolean {
  return HAS_FOLDABLE.test(text);
}
