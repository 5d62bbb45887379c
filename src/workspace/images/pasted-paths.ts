import { realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImageFile, type ImageFile } from './read-image';

/** Most images one prompt attaches: a screenshot or a few, never a folder's worth. */
export const MAX_PROMPT_IMAGES = 10;

// The name only says which words are worth a look; what is sent is judged by its bytes.
const IMAGE_NAME = /\.(png|jpe?g|gif|webp)$/i;

/**
 * The image paths pasted into a prompt, as a terminal pastes a dropped file:
 * absolute, `~/`, relative with a folder, or a `file://` URL, possibly quoted
 * ('...' or "...") or with backslash-escaped spaces. A word counts only when
 * it names a folder and ends like an image file; `@` mentions are left to the
 * mention code. In order, each once.
 */
export function pastedImagePaths(text: string): string[] {
  const paths = words(text)
    .filter((word) => !word.startsWith('@'))
    .map((word) => fromFileUrl(word.replace(/[.,;:!?)\]]+$/, '')))
    .filter((word): word is string => word !== undefined && IMAGE_NAME.test(word) && (word.includes('/') || word.startsWith('~')));
  return [...new Set(paths)].slice(0, MAX_PROMPT_IMAGES);
}

/**
 * Reads an image path the user pasted. It may lie outside the workspace (a
 * screenshot in ~/Desktop): the user chose it. Symlinks are resolved, then
 * the file must be a regular file, an image by its bytes, within the size
 * cap. Undefined when nothing is there (the path was prose); a one-line
 * reason is thrown for anything else.
 */
export async function readPastedImage(options: { cwd: string; requested: string }): Promise<ImageFile | undefined> {
  const expanded = options.requested.startsWith('~/') ? path.join(os.homedir(), options.requested.slice(2)) : options.requested;
  const real = await realpath(path.resolve(options.cwd, expanded)).catch(() => undefined);
  if (!real) return undefined;
  return readImageFile({ absolute: real, path: shown(options.cwd, real) });
}

/** A path as the transcript shows it: workspace-relative inside the workspace, else as it is. */
function shown(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

function fromFileUrl(word: string): string | undefined {
  if (!word.startsWith('file://')) return word;
  try {
    return fileURLToPath(word);
  } catch {
    return undefined;
  }
}

/** Splits text into words as a shell would: quotes group, a backslash escapes the next character. */
function words(text: string): string[] {
  const found: string[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /\s/.test(text[index]!)) index++;
    if (index >= text.length) break;
    let word = '';
    while (index < text.length && !/\s/.test(text[index]!)) {
      const char = text[index]!;
      // Only a word's first character opens a quote: an apostrophe in prose ("don't") is a letter.
      if ((char === "'" || char === '"') && word === '') {
        const end = text.indexOf(char, index + 1);
        if (end === -1) {
          word += char;
          index++;
          continue;
        }
        word += text.slice(index + 1, end);
        index = end + 1;
      } else if (char === '\\' && index + 1 < text.length) {
        word += text[index + 1];
        index += 2;
      } else {
        word += char;
        index++;
      }
    }
    found.push(word);
  }
  return found;
}
