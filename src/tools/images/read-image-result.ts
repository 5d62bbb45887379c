import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { readHead } from '../../workspace/regular-file';
import { describeImage, readOpenImage } from '../../workspace/images/read-image';
import { sniffImage, type ImageKind } from '../../workspace/images/sniff';
import type { ToolResult } from '../types';

/** How much of an image a note reads for its pixel size: a JPEG's comes after its metadata. */
const SIZE_SNIFF_BYTES = 64 * 1024;

/**
 * read_file's answer for a file whose bytes say it is an image: the image
 * itself for a model that takes images, else a note of what it is and why it
 * is not shown. Throws a one-line reason for an image over the size cap.
 */
export async function readImageResult(options: { handle: FileHandle; stats: Stats; path: string; kind: ImageKind; isTakingImages: boolean }): Promise<ToolResult> {
  const { path, kind } = options;
  const label = imageLabel(kind.mediaType);
  if (!options.isTakingImages) {
    const sized = sniffImage(await readHead(options.handle, Math.min(options.stats.size, SIZE_SNIFF_BYTES))) ?? kind;
    const described = describeImage({ ...sized, size: options.stats.size });
    return {
      output: `${path} is a ${label} image (${described}); this model does not take images, so its content cannot be shown. Ask the user what it shows if you need to know.`,
      summary: `${label} image, ${described}, not sent (the model takes no images)`,
    };
  }
  const image = await readOpenImage({ handle: options.handle, stats: options.stats, path });
  const described = describeImage(image);
  return {
    output: `${path}: a ${label} image, ${described}.`,
    summary: `${label} image, ${described}`,
    images: [{ mediaType: image.mediaType, data: image.data, path }],
  };
}

/** "PNG" for image/png, "JPEG" for image/jpeg. */
export function imageLabel(mediaType: string): string {
  return mediaType.replace(/^image\//, '').toUpperCase();
}
