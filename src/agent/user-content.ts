import type { UserContent } from 'ai';

/** An image attached to a prompt, as the user message and the saved session carry it. */
export interface PromptImage {
  /** Where it was read from, as the transcript showed it. */
  path: string;
  mediaType: string;
  /** The bytes, base64-encoded. */
  data: string;
}

/**
 * A user message's content: the text alone, or the text then each image as
 * a file part (base64 data with its media type and its path as the file name).
 */
export function userContent(text: string, images: readonly PromptImage[] = []): UserContent {
  if (images.length === 0) return text;
  return [
    { type: 'text', text },
    ...images.map((image) => ({ type: 'file' as const, mediaType: image.mediaType, data: { type: 'data' as const, data: image.data }, filename: image.path })),
  ];
}
