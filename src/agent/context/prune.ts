import type { ModelMessage, ToolResultPart } from 'ai';
import { estimateMessageTokens, outputText } from './estimate';

/** Outputs shorter than this stay: clearing them saves little and loses the detail. */
const MIN_CLEARED_CHARS = 400;

/**
 * Clears the outputs of tool results before `keepFrom` (an index into
 * `messages`), replacing each long one with a marker that tells the model
 * what it was and how to get it again. Messages that change are new objects;
 * the rest are the same objects (their token counts stay cached).
 */
export function clearOldToolOutputs(messages: readonly ModelMessage[], keepFrom: number): ModelMessage[] {
  return messages.map((message, index) => {
    if (index >= keepFrom || message.role !== 'tool') return message;
    let isChanged = false;
    const content = message.content.map((part) => {
      if (part.type !== 'tool-result') return part;
      const text = outputText(part.output);
      if (text.length < MIN_CLEARED_CHARS || isClearedMarker(text)) return part;
      isChanged = true;
      return { ...part, output: { type: 'text', value: clearedMarker(part, text) } } satisfies ToolResultPart;
    });
    return isChanged ? { ...message, content } : message;
  });
}

/**
 * The index from which the last `tokens` worth of messages start, moved back
 * to a message the history may begin a kept tail with (a user or assistant
 * message, never a tool message, whose call would be left behind); the
 * tail always holds at least the last such message and its answers.
 */
export function tailStart(messages: readonly ModelMessage[], tokens: number): number {
  let total = 0;
  let index = messages.length;
  while (index > 0 && total + estimateMessageTokens(messages[index - 1]!) <= tokens) {
    index -= 1;
    total += estimateMessageTokens(messages[index]!);
  }
  while (index < messages.length && messages[index]!.role === 'tool') index += 1;
  // Keep at least the last user or assistant message and what answers it: the model's latest step.
  let last = messages.length - 1;
  while (last > 0 && messages[last]!.role === 'tool') last -= 1;
  return Math.max(0, Math.min(index, last));
}

const CLEARED_PREFIX = '[Output cleared to save context:';

function clearedMarker(part: ToolResultPart, text: string): string {
  const lines = text.split('\n').length;
  return `${CLEARED_PREFIX} ${part.toolName} returned ${lines} lines (${text.length} characters) here, which you already used. Call the tool again if you need them.]`;
}

function isClearedMarker(text: string): boolean {
  return text.startsWith(CLEARED_PREFIX);
}
