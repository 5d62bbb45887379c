import type { UserContent } from 'ai';
import type { ToolImage } from '../tools/types';

/** An image attached to a prompt, as the user message and the saved session carry it: the shape a tool's image has. */
export type PromptImage = ToolImage;

/**
 * A user message's content: the text alone, or the text then each image as
 * a file part (see `imageFilePart`).
 */
export function userContent(text: string, images: readonly PromptImage[] = []): UserContent {
  if (images.length === 0) return text;
  return [{ type: 'text', text }, ...images.map(imageFilePart)];
}

/** An image as a file part, in a user message or a tool result's content: base64 data (a saved session holds it as JSON), its media type, its path as the file name. */
export function imageFilePart(image: ToolImage) {
  return { type: 'file' as const, mediaType: image.mediaType, data: { type: 'data' as const, data: image.data }, filename: image.path };
}
