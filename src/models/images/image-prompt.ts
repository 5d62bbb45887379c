import type { LanguageModelV4FilePart, LanguageModelV4Message, LanguageModelV4Middleware, LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import type { ModelApi } from '../history-origin';

type ToolMessage = Extract<LanguageModelV4Message, { role: 'tool' }>;
type ContentItem = Extract<LanguageModelV4ToolResultOutput, { type: 'content' }>['value'][number];
type ImageItem = Extract<ContentItem, { type: 'file' }>;

/** What the image middleware knows of its model. */
export interface ImagePromptOptions {
  api: ModelApi;
  /** False: every image in the history goes as a one-line note instead (a text-only model, or one switched to with /model). */
  isTakingImages: boolean;
}

/** Middleware that sends the history's images the way this model and API can take them (see `adaptImagePrompt`). */
export function createImageMiddleware(options: ImagePromptOptions): LanguageModelV4Middleware {
  return {
    specificationVersion: 'v4',
    transformParams: async ({ params }) => ({ ...params, prompt: adaptImagePrompt(params.prompt, options) }),
  };
}

/**
 * The history's images as the server can take them. A text-only model gets a
 * note in place of each. Chat Completions takes images only in user messages
 * (a tool message is text, and the SDK would send an image result as base64
 * JSON text): an image a tool returned goes in a user message right after the
 * tool message, its result saying so. The Responses API takes images in tool
 * results (`input_image` in `function_call_output`): they stay there.
 */
export function adaptImagePrompt(prompt: LanguageModelV4Prompt, options: ImagePromptOptions): LanguageModelV4Prompt {
  if (!prompt.some(hasImage)) return prompt;
  return prompt.flatMap((message): LanguageModelV4Message[] => {
    if (!hasImage(message)) return [message];
    if (message.role === 'user') {
      if (options.isTakingImages) return [message];
      return [{ ...message, content: message.content.map((part) => (isImagePart(part) ? { type: 'text', text: skippedNote(part.filename) } : part)) }];
    }
    if (message.role !== 'tool') return [message];
    if (options.isTakingImages && options.api === 'responses') return [message];
    return moveToolImages(message, options.isTakingImages);
  });
}

/** The tool message with its images' results as text, and (when the model takes them) a user message carrying those images. */
function moveToolImages(message: ToolMessage, isTakingImages: boolean): LanguageModelV4Message[] {
  const moved: LanguageModelV4FilePart[] = [];
  const content = message.content.map((part) => {
    if (part.type !== 'tool-result' || part.output.type !== 'content') return part;
    const images = part.output.value.filter(isImageItem);
    const texts = part.output.value.map((item) => (item.type === 'text' ? item.text : isImageItem(item) ? (isTakingImages ? undefined : skippedNote(item.filename)) : undefined));
    if (isTakingImages) {
      moved.push(...images.map((item) => ({ type: 'file' as const, mediaType: item.mediaType, data: item.data, ...(item.filename ? { filename: item.filename } : {}) })));
      if (images.length > 0) texts.push(`[${images.length === 1 ? 'The image is' : `The ${images.length} images are`} in the next message.]`);
    }
    return { ...part, output: { type: 'text' as const, value: texts.filter((text) => text !== undefined).join('\n') } };
  });
  const tool = { ...message, content };
  if (moved.length === 0) return [tool];
  const intro = moved.length === 1 ? 'The image the tool call above returned:' : `The ${moved.length} images the tool calls above returned, in order:`;
  return [tool, { role: 'user', content: [{ type: 'text', text: intro }, ...moved] }];
}

function hasImage(message: LanguageModelV4Message): boolean {
  if (message.role === 'user') return message.content.some(isImagePart);
  if (message.role !== 'tool') return false;
  return message.content.some((part) => part.type === 'tool-result' && part.output.type === 'content' && part.output.value.some(isImageItem));
}

function isImagePart(part: { type: string; mediaType?: string }): part is LanguageModelV4FilePart {
  return part.type === 'file' && (part.mediaType ?? '').startsWith('image');
}

function isImageItem(item: ContentItem): item is ImageItem {
  return item.type === 'file' && item.mediaType.startsWith('image') && item.data.type !== 'text';
}

function skippedNote(name: string | undefined): string {
  return `[image${name ? ` ${name}` : ''} not sent: this model does not take images]`;
}
