import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { openRegularFile, readHead } from '../regular-file';
import { resolveToolPath } from '../tool-path';
import { IMAGE_SNIFF_BYTES, sniffImage, type ImageKind } from './sniff';

/** The largest image sent: the APIs refuse bigger ones (Anthropic at 5 MB an image, OpenAI's requests soon after). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** An image read whole, ready to send: its bytes as base64, which a saved session can hold as JSON. */
export interface ImageFile extends ImageKind {
  /** The path as the user or model named it, for messages and the transcript. */
  path: string;
  /** The file's bytes, base64-encoded. */
  data: string;
  /** The file's size in bytes. */
  size: number;
}

/** The image type of an opened file, from its first bytes; undefined when it is not a PNG, JPEG, GIF or WebP. */
export async function sniffOpenFile(handle: FileHandle, size: number): Promise<ImageKind | undefined> {
  return sniffImage(await readHead(handle, Math.min(size, IMAGE_SNIFF_BYTES)));
}

/**
 * Reads an opened regular file that `sniffOpenFile` found to be an image.
 * Throws a one-line reason for one over `maxBytes` (never read) or one that
 * stopped being an image (it changed since).
 */
export async function readOpenImage(options: { handle: FileHandle; stats: Stats; path: string; maxBytes?: number }): Promise<ImageFile> {
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  const { size } = options.stats;
  if (size > maxBytes) throw new Error(`${options.path} is ${formatSize(size)}, over the ${formatSize(maxBytes)} limit for images; not sent.`);
  const bytes = await readHead(options.handle, size);
  const kind = sniffImage(bytes);
  if (!kind) throw new Error(`${options.path} is not a PNG, JPEG, GIF or WebP image; not sent.`);
  return { ...kind, path: options.path, data: bytes.toString('base64'), size: bytes.length };
}

/**
 * Reads the image at `absolute` (a path already checked or chosen by the
 * user): a regular file only, opened without following a last symlink,
 * judged by its bytes, at most `maxBytes`. Resolves undefined when nothing is
 * there; throws a one-line reason for anything else that is not a sendable image.
 */
export async function readImageFile(options: { absolute: string; path: string; maxBytes?: number }): Promise<ImageFile | undefined> {
  const opened = await openRegularFile(options.absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw new Error(`${options.path} cannot be read (${error.code ?? error.message}).`);
  });
  if (!opened) return undefined;
  if (!opened.isRegular) throw new Error(`${options.path} is ${opened.kind}, not an image file.`);
  try {
    return await readOpenImage({ handle: opened.handle, stats: opened.stats, path: options.path, maxBytes: options.maxBytes });
  } finally {
    await opened.handle.close();
  }
}

/** "WxH, N KB" or "N KB": what a message or the transcript says of an image. */
export function describeImage(image: Pick<ImageFile, 'size' | 'width' | 'height'>): string {
  const size = formatSize(image.size);
  return image.width && image.height ? `${image.width}x${image.height}, ${size}` : size;
}

/** Sizes as the APIs state their image limits ("5 MB"), counted in 1024s. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/**
 * The image a workspace path names (an `@` mention), confined to the
 * workspace like every tool path. Undefined when the path is outside, missing,
 * not a regular file or not an image by its bytes (it may still be a text
 * file to attach); throws a one-line reason for an image over `maxBytes`.
 */
export async function readWorkspaceImage(options: { cwd: string; requested: string; maxBytes?: number }): Promise<ImageFile | undefined> {
  const file = await resolveToolPath(options.cwd, options.requested).catch(() => undefined);
  if (!file) return undefined;
  const opened = await openRegularFile(file.absolute).catch(() => undefined);
  if (!opened?.isRegular) return undefined;
  try {
    if (!(await sniffOpenFile(opened.handle, opened.stats.size))) return undefined;
    return await readOpenImage({ handle: opened.handle, stats: opened.stats, path: file.shownPath, maxBytes: options.maxBytes });
  } finally {
    await opened.handle.close();
  }
}
