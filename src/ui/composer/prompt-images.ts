import type { PromptImage } from '../../agent/user-content';
import { MAX_PROMPT_IMAGES, pastedImagePaths, readPastedImage } from '../../workspace/images/pasted-paths';
import { describeImage, readWorkspaceImage, type ImageFile } from '../../workspace/images/read-image';

/** The images a prompt names, the `@` mentions that turned out to be images, and one line per image that could not be attached. */
export interface PromptImages {
  images: ImageFile[];
  /** Mentions already attached as images: not to be read again as text files. */
  imageMentions: Set<string>;
  problems: string[];
}

/**
 * Reads the images a prompt names: `@` mentions of workspace files that are
 * images by their bytes, and image paths pasted into the text (a dropped
 * screenshot may lie outside the workspace). For a model that takes no
 * images, each becomes a one-line problem instead. Nothing here throws.
 */
export async function readPromptImages(options: { cwd: string; text: string; mentions: readonly string[]; isTakingImages: boolean }): Promise<PromptImages> {
  const { cwd } = options;
  const reads = [
    ...options.mentions.map((requested) => ({ requested, isMention: true, read: readWorkspaceImage({ cwd, requested }) })),
    ...pastedImagePaths(options.text).map((requested) => ({ requested, isMention: false, read: readPastedImage({ cwd, requested }) })),
  ];
  const images: ImageFile[] = [];
  const imageMentions = new Set<string>();
  const problems: string[] = [];
  for (const { requested, isMention, read } of reads) {
    const image = await read.catch((error: Error) => {
      problems.push(error.message);
      if (isMention) imageMentions.add(requested);
      return undefined;
    });
    if (!image) continue;
    if (isMention) imageMentions.add(requested);
    if (!options.isTakingImages) problems.push(`${image.path} not attached: this model does not take images (set "images": true in the settings if it does).`);
    else if (images.length >= MAX_PROMPT_IMAGES) problems.push(`${image.path} not attached: at most ${MAX_PROMPT_IMAGES} images go with one prompt.`);
    else if (!images.some((attached) => attached.path === image.path)) images.push(image);
  }
  return { images, imageMentions, problems };
}

/** The transcript's line for an attached image: "[image: shot.png 1280x720, 120 KB]". */
export function imageLine(image: ImageFile): string {
  return `[image: ${image.path} ${describeImage(image)}]`;
}

/** The images as the user message carries them. */
export function toPromptImages(images: readonly ImageFile[]): PromptImage[] {
  return images.map((image) => ({ path: image.path, mediaType: image.mediaType, data: image.data }));
}
