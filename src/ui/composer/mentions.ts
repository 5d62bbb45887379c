import { MAX_ATTACHMENT_BYTES, readAttachment, type Attachment } from '../../tools/read-attachment';
import { formatBytes } from '../../tools/output-cap';
import type { ImageFile } from '../../workspace/images/read-image';
import { pastedImagePaths } from '../../workspace/images/pasted-paths';
import { readPromptImages } from './prompt-images';

/** The `@query` being typed at the cursor: where its `@` is and what follows it. */
export interface MentionToken {
  /** Index of the `@` in the text. */
  start: number;
  query: string;
}

/** Files attached to one prompt, capped in number so one line of `@`s cannot send the whole repository. */
const MAX_ATTACHMENTS = 20;

// An `@` at the start or after whitespace, so e-mail addresses and decorators mid-word are not mentions.
const MENTION_BEFORE_CURSOR = /(?:^|\s)@([^\s@]*)$/;
const MENTIONS = /(?:^|\s)@([^\s@]+)/g;

/** The mention the cursor is in, if any: `@src/cl|` gives `{ start, query: 'src/cl' }`. */
export function mentionAt(value: string, cursor: number): MentionToken | undefined {
  const match = MENTION_BEFORE_CURSOR.exec(value.slice(0, cursor));
  if (!match) return undefined;
  return { start: cursor - match[1]!.length - 1, query: match[1]! };
}

/** The paths named with `@` in a prompt, in order, each once; trailing sentence punctuation is not part of a path. */
export function mentionedPaths(text: string): string[] {
  const paths = [...text.matchAll(MENTIONS)].map((match) => match[1]!.replace(/[.,;:!?)\]'"]+$/, ''));
  return [...new Set(paths.filter(Boolean))].slice(0, MAX_ATTACHMENTS);
}

/** True when a prompt names something to attach: an `@` mention or a pasted image path. */
export function hasAttachments(text: string): boolean {
  return mentionedPaths(text).length > 0 || pastedImagePaths(text).length > 0;
}

/** What `attachMentions` found: the model's extra context and the lines the transcript shows. */
export interface AttachedMentions {
  /** `<file path="...">` blocks for the model, after the prompt; empty when nothing was attached. */
  context: string;
  attached: Attachment[];
  /** Images for the model, after the text (see `readPromptImages`). */
  images: ImageFile[];
  /** One line per mention that named a file which could not be attached (binary, unreadable, an image over the cap). */
  problems: string[];
}

/**
 * Reads every `@path` of `text` that names a text file or an image inside
 * `cwd`, and every image path pasted into it. A path that is not a file stays
 * plain text; nothing here throws. `isTakingImages` false turns images into problems.
 */
export async function attachMentions(options: { cwd: string; text: string; isTakingImages?: boolean }): Promise<AttachedMentions> {
  const mentions = mentionedPaths(options.text);
  const { images, imageMentions, problems: imageProblems } = await readPromptImages({
    cwd: options.cwd,
    text: options.text,
    mentions,
    isTakingImages: options.isTakingImages ?? false,
  });
  const results = await Promise.all(
    mentions.filter((requested) => !imageMentions.has(requested)).map((requested) =>
      readAttachment({ cwd: options.cwd, requested }).then(
        (attachment) => ({ attachment, problem: undefined }),
        (error: Error) => ({ attachment: undefined, problem: error.message }),
      ),
    ),
  );
  const attached = results.flatMap((result) => (result.attachment ? [result.attachment] : []));
  const problems = [...results.flatMap((result) => (result.problem ? [result.problem] : [])), ...imageProblems];
  const context = attached.map((file) => `<file path="${file.path}">\n${file.text}\n</file>`).join('\n');
  return { context, attached, images, problems };
}

/** The transcript's line for an attached file: "attached src/cli/main.ts (12 KiB)". */
export function attachedLine(file: Attachment): string {
  return `attached ${file.path} (${formatBytes(file.size)}${file.isCut ? `, the first ${formatBytes(MAX_ATTACHMENT_BYTES)} sent` : ''})`;
}
