import type { ModelMessage, ToolResultPart } from 'ai';
import { measureJson } from '../calls/json-walk';

// Counted once per message object: history messages are never changed in place, only replaced.
const cache = new WeakMap<object, number>();

/** Tokens a message costs beyond its text: role markers and separators in every chat template. */
const MESSAGE_OVERHEAD = 4;

/** What an image or file part counts as, in ASCII characters. */
const OTHER_PART_CHARS = 1000;

/**
 * Estimates the tokens of a text without a tokenizer: ASCII runs at about
 * four characters a token (code and English measure 3.9 with o200k), every
 * other character a token (CJK, emoji), rounded up. Errs high.
 */
export function estimateTextTokens(text: string): number {
  const counts = { ascii: 0, other: 0 };
  countText(text, counts);
  return tokensOf(counts);
}

/** Character classes of what a message's text would hold; the estimate needs only these. */
interface CharCounts {
  ascii: number;
  other: number;
}

function tokensOf(counts: CharCounts): number {
  return Math.ceil(counts.ascii / 3.8) + counts.other;
}

function countText(text: string, counts: CharCounts): void {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) < 128) counts.ascii++;
    else counts.other++;
  }
}

/**
 * The estimated tokens of one message, cached per message object: as many as
 * `messageText` would give, counted part by part, so a tool call carrying a
 * 4 MB file is measured without being written out as JSON.
 */
export function estimateMessageTokens(message: ModelMessage): number {
  const cached = cache.get(message);
  if (cached !== undefined) return cached;
  const counts = { ascii: 0, other: 0 };
  if (typeof message.content === 'string') countText(message.content, counts);
  else for (const part of message.content) countPart(part, counts);
  const tokens = MESSAGE_OVERHEAD + tokensOf(counts);
  cache.set(message, tokens);
  return tokens;
}

function countPart(part: Exclude<ModelMessage['content'], string>[number], counts: CharCounts): void {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return countText(part.text, counts);
    case 'tool-call': {
      countText(part.toolName, counts);
      const json = measureJson(part.input ?? null);
      counts.ascii += json.ascii;
      counts.other += json.length - json.ascii;
      return;
    }
    case 'tool-result':
      countText(part.toolName, counts);
      counts.ascii += OTHER_PART_CHARS * mediaItems(part.output);
      return countText(outputText(part.output), counts);
    default:
      counts.ascii += OTHER_PART_CHARS;
  }
}

/** The estimated tokens of a list of messages. */
export function estimateMessagesTokens(messages: readonly ModelMessage[]): number {
  let total = 0;
  for (const message of messages) total += estimateMessageTokens(message);
  return total;
}

/** Everything in a message that the model reads, as one string: text, tool calls with their input, tool outputs. */
export function messageText(message: ModelMessage): string {
  if (typeof message.content === 'string') return message.content;
  let text = '';
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        text += part.text;
        break;
      case 'tool-call':
        text += part.toolName + JSON.stringify(part.input ?? null);
        break;
      case 'tool-result':
        text += part.toolName + outputText(part.output) + ' '.repeat(OTHER_PART_CHARS * mediaItems(part.output));
        break;
      default:
        // Images and files: a fixed guess, since only their size is known here.
        text += ' '.repeat(OTHER_PART_CHARS);
    }
  }
  return text;
}

type ToolResultOutput = ToolResultPart['output'];

/** How many images (or other files) a tool result's output carries: each counts as a part, like a prompt's. */
function mediaItems(output: ToolResultOutput): number {
  return output.type === 'content' ? output.value.filter((item) => item.type !== 'text').length : 0;
}

/** The text of a tool result's output, whatever its kind. */
export function outputText(output: unknown): string {
  if (!output || typeof output !== 'object') return String(output ?? '');
  const value = (output as { value?: unknown }).value;
  if (typeof value === 'string') return value;
  // An image's base64 is not text the model reads: it is named, and counted as a part (see countPart).
  if ((output as { type?: string }).type === 'content' && Array.isArray(value)) {
    return value.map((item: { type?: string; text?: string; mediaType?: string }) => (item.type === 'text' ? (item.text ?? '') : `[${item.mediaType ?? item.type}]`)).join('\n');
  }
  if ((output as { type?: string }).type === 'execution-denied') return String((output as { reason?: string }).reason ?? '');
  return JSON.stringify(value ?? '');
}
