import type { ModelMessage } from 'ai';

// Counted once per message object: history messages are never changed in place, only replaced.
const cache = new WeakMap<object, number>();

/** Tokens a message costs beyond its text: role markers and separators in every chat template. */
const MESSAGE_OVERHEAD = 4;

/**
 * Estimates the tokens of a text without a tokenizer: ASCII runs at about
 * four characters a token (code and English measure 3.9 with o200k), every
 * other character a token (CJK, emoji), rounded up. Errs high.
 */
export function estimateTextTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3.8) + other;
}

/** The estimated tokens of one message, cached per message object. */
export function estimateMessageTokens(message: ModelMessage): number {
  const cached = cache.get(message);
  if (cached !== undefined) return cached;
  const tokens = MESSAGE_OVERHEAD + estimateTextTokens(messageText(message));
  cache.set(message, tokens);
  return tokens;
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
        text += part.toolName + outputText(part.output);
        break;
      default:
        // Images and files: a fixed guess, since only their size is known here.
        text += ' '.repeat(1000);
    }
  }
  return text;
}

/** The text of a tool result's output, whatever its kind. */
export function outputText(output: unknown): string {
  if (!output || typeof output !== 'object') return String(output ?? '');
  const value = (output as { value?: unknown }).value;
  if (typeof value === 'string') return value;
  if ((output as { type?: string }).type === 'execution-denied') return String((output as { reason?: string }).reason ?? '');
  return JSON.stringify(value ?? '');
}
