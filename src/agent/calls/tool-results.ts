import type { ModelMessage, ToolModelMessage, ToolResultPart } from 'ai';
import type { ToolCallInfo } from '../nodes';
import type { CallOutcome } from './run-call';
import { imageFilePart } from '../user-content';

/** The AI SDK's tool-result part for one call's outcome. */
export function toToolResultPart(call: ToolCallInfo, outcome: CallOutcome): ToolResultPart {
  const base = { type: 'tool-result' as const, toolCallId: call.toolCallId, toolName: call.toolName };
  switch (outcome.status) {
    case 'ok':
      if (outcome.images?.length) return { ...base, output: { type: 'content', value: [{ type: 'text', text: outcome.output }, ...outcome.images.map(imageFilePart)] } };
      return { ...base, output: { type: 'text', value: outcome.output } };
    case 'denied':
      return { ...base, output: { type: 'execution-denied', reason: outcome.output } };
    case 'error':
    case 'cancelled':
      return { ...base, output: { type: 'error-text', value: outcome.output } };
  }
}

/**
 * Completes a step's response messages with our results. The SDK has already
 * answered invalid calls in a tool message of its own; ours join that same
 * message, so the next request has one tool message answering every call once.
 */
export function withToolResults(responseMessages: readonly ModelMessage[], parts: readonly ToolResultPart[]): ModelMessage[] {
  if (parts.length === 0) return [...responseMessages];
  const messages = [...responseMessages];
  const index = messages.findIndex((message) => message.role === 'tool');
  if (index === -1) {
    messages.push({ role: 'tool', content: [...parts] });
    return messages;
  }
  const existing = messages[index] as ToolModelMessage;
  messages[index] = { ...existing, content: [...existing.content, ...parts] };
  return messages;
}

/** The ids of the tool calls the assistant messages hold. */
export function toolCallIdsOf(messages: readonly ModelMessage[]): string[] {
  return messages.flatMap((message) =>
    message.role === 'assistant' && Array.isArray(message.content)
      ? message.content.filter((part) => part.type === 'tool-call').map((part) => part.toolCallId)
      : [],
  );
}

/**
 * The response messages with each call's input as it ran: a PreToolUse hook
 * may have replaced the model's (`CallOutcome.ranInput`), and the history
 * must show what ran.
 */
export function withRanInputs(messages: readonly ModelMessage[], outcomes: ReadonlyMap<string, CallOutcome>): ModelMessage[] {
  const isChanged = [...outcomes.values()].some((outcome) => outcome.ranInput !== undefined);
  if (!isChanged) return [...messages];
  return messages.map((message) => {
    if (message.role !== 'assistant' || !Array.isArray(message.content)) return message;
    const content = message.content.map((part) => {
      const ranInput = part.type === 'tool-call' ? outcomes.get(part.toolCallId)?.ranInput : undefined;
      return part.type === 'tool-call' && ranInput !== undefined ? { ...part, input: ranInput } : part;
    });
    return { ...message, content };
  });
}
