import type { ToolResultPart } from 'ai';
import { formatBytes, utf8Prefix } from '../tools/output-cap';

/** The most bytes of tool output one model response may bring back, all its calls together (each call has its own cap too). */
export const MAX_STEP_OUTPUT_BYTES = 400 * 1024;

/**
 * Caps the tool results of one step as a whole: when their text passes
 * `maxBytes`, the largest are cut to one common size (the smaller ones stay
 * whole) and each cut result ends with a note saying how to get the rest.
 */
export function capStepOutputs(parts: readonly ToolResultPart[], maxBytes = MAX_STEP_OUTPUT_BYTES): ToolResultPart[] {
  return capStepImages(capStepText(parts, maxBytes));
}

/** The most image data (base64) one model response may bring back: 4 images at the 5 MB cap; the APIs refuse requests far past it. */
export const MAX_STEP_IMAGE_BYTES = 4 * Math.ceil((5 * 1024 * 1024) / 3) * 4;

/**
 * Keeps a step's images, in call order, while their data fits `maxBytes`;
 * each result past it becomes its text with a note saying to read fewer at once.
 */
export function capStepImages(parts: readonly ToolResultPart[], maxBytes = MAX_STEP_IMAGE_BYTES): ToolResultPart[] {
  let total = 0;
  return parts.map((part) => {
    if (part.output.type !== 'content') return part;
    const bytes = part.output.value.reduce((sum, item) => sum + (item.type === 'file' && item.data.type === 'data' ? String(item.data.data).length : 0), 0);
    total += bytes;
    if (bytes === 0 || total <= maxBytes) return part;
    const text = part.output.value.flatMap((item) => (item.type === 'text' ? [item.text] : [])).join('\n');
    const note = `[The image was not sent: the images of this response came to over ${formatBytes(maxBytes)}. Read fewer images in one response.]`;
    return { ...part, output: { type: 'text', value: `${text}\n${note}` } } satisfies ToolResultPart;
  });
}

function capStepText(parts: readonly ToolResultPart[], maxBytes: number): ToolResultPart[] {
  const sizes = parts.map((part) => Buffer.byteLength(textOf(part) ?? ''));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= maxBytes) return [...parts];
  const level = fairShare(sizes, maxBytes);
  return parts.map((part, index) => {
    const text = textOf(part);
    if (text === undefined || sizes[index]! <= level) return part;
    const kept = cutText(text, level);
    const note =
      `[Cut to ${formatBytes(Buffer.byteLength(kept))} of ${formatBytes(sizes[index]!)}: the ${parts.length} tool results of this response ` +
      `came to ${formatBytes(total)}, over the ${formatBytes(maxBytes)} one response may bring back. ` +
      'Get the rest with narrower calls (read_file with offset and limit, a more specific grep or glob), fewer in one response.]';
    return { ...part, output: { ...part.output, value: kept === '' ? note : `${kept}\n${note}` } } as ToolResultPart;
  });
}

/** The largest size L such that keeping at most L bytes of each output fits `maxBytes` in all (water-filling). */
function fairShare(sizes: readonly number[], maxBytes: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let remaining = maxBytes;
  for (let index = 0; index < sorted.length; index++) {
    const share = Math.floor(remaining / (sorted.length - index));
    if (sorted[index]! > share) return share;
    remaining -= sorted[index]!;
  }
  return Infinity;
}

/** Up to `maxBytes` of `text`, ending at a line break when one falls in the second half, so lines stay whole. */
function cutText(text: string, maxBytes: number): string {
  const prefix = Buffer.from(utf8Prefix(Buffer.from(text), maxBytes)).toString('utf8');
  const lastBreak = prefix.lastIndexOf('\n');
  return lastBreak >= prefix.length / 2 ? prefix.slice(0, lastBreak) : prefix;
}

// Only text outputs grow with the data; a denial's reason is the user's few words.
function textOf(part: ToolResultPart): string | undefined {
  return part.output.type === 'text' || part.output.type === 'error-text' ? part.output.value : undefined;
}
