import { streamText, type LanguageModel, type ModelMessage } from 'ai';
import { describeModelError } from '../../models/model-errors';
import type { ModelPrice } from '../../models/prices';
import { usageOfCall } from '../call-usage';
import type { Usage } from '../nodes';
import { messageText, outputText } from './estimate';
import { jsonPrefix, measureJson } from '../calls/json-walk';

/** The first line of every compacted-history message, so a later compaction finds and keeps what it carries. */
export const COMPACTED_HEADER = '[This conversation was compacted to fit the model’s context window.]';
const VERBATIM_HEADING = "## The user's messages so far, word for word";
const SUMMARY_HEADING = '## Summary of the work so far';
const VERBATIM_END = '<!-- end of user messages -->';

const SUMMARY_INSTRUCTIONS = `You compact a coding agent's conversation so the agent can go on working from your summary alone.
Write a structured summary in markdown with exactly these sections:
## Goal
What the user wants, in their terms. Keep every constraint and preference they stated.
## Decisions
What was decided and why (approaches chosen or rejected).
## Files read
Paths and the facts learned from them that still matter (names, line numbers, signatures).
## Files changed
Paths and what was changed in each; say if a change was denied or undone.
## Commands run
Commands and their outcome, briefly.
## Open work
What remains to do, in order, and anything the agent was about to do next.
Be specific and concise. Do not invent anything that is not in the conversation.`;

/**
 * Asks `model` to summarise `messages` (the older part of a conversation),
 * with `focus` (what the user asked to keep with /compact) given priority.
 * Returns the summary text, or an error message; with either, the call's
 * `usage` (priced when `price` is known) whenever the server reported it, as
 * a failed or empty summary may still have been billed.
 * Contract: never rejects.
 */
export async function summariseConversation(options: {
  model: LanguageModel;
  messages: readonly ModelMessage[];
  maxInputChars: number;
  focus?: string;
  price?: ModelPrice;
  signal: AbortSignal;
}): Promise<({ text: string } | { error: string }) & { usage?: Usage }> {
  const transcript = transcriptOf(options.messages, options.maxInputChars);
  const focus = options.focus ? `\n\nThe user asked that the summary keep especially: ${options.focus}` : '';
  let failure: unknown;
  let usage: Usage | undefined;
  const withUsage = <T extends object>(result: T) => (usage ? { ...result, usage } : result);
  try {
    const result = streamText({
      model: options.model,
      instructions: SUMMARY_INSTRUCTIONS,
      messages: [{ role: 'user', content: `Summarise this conversation.${focus}\n\n<conversation>\n${transcript}\n</conversation>` }],
      abortSignal: options.signal,
      maxRetries: 1,
      onError: ({ error }) => {
        failure = error;
      },
    });
    let text = '';
    for await (const part of result.stream) {
      if (part.type === 'text-delta') text += part.text;
      else if (part.type === 'finish-step') usage = usageOfCall(part.usage, options.price);
    }
    if (failure !== undefined) return withUsage({ error: describeModelError(failure) });
    if (!text.trim()) return withUsage({ error: 'the model returned an empty summary' });
    return withUsage({ text: text.trim() });
  } catch (error) {
    return withUsage({ error: describeModelError(failure ?? error) });
  }
}

/**
 * The conversation as plain text for the summariser, within `maxChars`: tool
 * outputs are cut first (they are the bulk and the least worth keeping whole),
 * then the middle of the transcript if it is still too long.
 */
export function transcriptOf(messages: readonly ModelMessage[], maxChars: number): string {
  for (const outputChars of [2000, 500, 120]) {
    const text = messages.map((message) => messageLine(message, outputChars)).join('\n\n');
    if (text.length <= maxChars) return text;
    if (outputChars === 120) {
      const half = Math.floor(maxChars / 2) - 50;
      return `${text.slice(0, half)}\n\n[… ${text.length - 2 * half} characters of the middle of the conversation left out …]\n\n${text.slice(-half)}`;
    }
  }
  return '';
}

function messageLine(message: ModelMessage, outputChars: number): string {
  if (message.role === 'tool') {
    return message.content
      .map((part) => (part.type === 'tool-result' ? `TOOL RESULT (${part.toolName}): ${cut(outputText(part.output), outputChars)}` : ''))
      .join('\n');
  }
  if (message.role === 'assistant' && typeof message.content !== 'string') {
    return message.content
      .map((part) =>
        part.type === 'text' ? `ASSISTANT: ${part.text}`
        : part.type === 'tool-call' ? `ASSISTANT CALLED ${part.toolName} ${cutJson(part.input ?? null, 600)}`
        : '',
      )
      .filter(Boolean)
      .join('\n');
  }
  return `${message.role.toUpperCase()}: ${messageText(message)}`;
}

function cut(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars)} […${text.length - chars} more characters]`;
}

/** `cut` of a value's JSON, written only as far as it is shown: a write_file call can carry megabytes. */
function cutJson(value: unknown, chars: number): string {
  const { length } = measureJson(value);
  return length <= chars ? JSON.stringify(value) : `${jsonPrefix(value, chars)} […${length - chars} more characters]`;
}

/**
 * The user's messages in `messages`, word for word: those carried by an
 * earlier compaction first, then the plain user messages.
 */
export function userMessagesOf(messages: readonly ModelMessage[]): string[] {
  const found: string[] = [];
  for (const message of messages) {
    if (message.role !== 'user') continue;
    const text = messageText(message);
    if (text.startsWith(COMPACTED_HEADER)) found.push(...carriedUserMessages(text));
    else found.push(text);
  }
  return found;
}

/**
 * The message that stands for the compacted part of a conversation: the
 * user's messages verbatim (the goal and every instruction survive any number
 * of compactions), then the model's summary.
 */
export function compactedMessage(options: { userMessages: readonly string[]; summary: string; maxVerbatimChars: number }): ModelMessage {
  const kept = keepWithin(options.userMessages, options.maxVerbatimChars);
  const verbatim = kept.map((text, index) => `<user-message ${index + 1}>\n${text}\n</user-message>`).join('\n');
  return {
    role: 'user',
    content: `${COMPACTED_HEADER}\n${VERBATIM_HEADING}\n${verbatim}\n${VERBATIM_END}\n\n${SUMMARY_HEADING}\n${options.summary}\n\nContinue the work from here; the messages after this one are the most recent part of the conversation, kept as they were.`,
  };
}

function carriedUserMessages(text: string): string[] {
  const start = text.indexOf(VERBATIM_HEADING);
  const end = text.indexOf(VERBATIM_END);
  if (start === -1 || end === -1) return [];
  const block = text.slice(start + VERBATIM_HEADING.length, end);
  return [...block.matchAll(/<user-message \d+>\n([\s\S]*?)\n<\/user-message>/g)].map((match) => match[1]!);
}

/** All messages when they fit; else the first (the goal) and as many of the latest as fit, with a note of what was left out. */
function keepWithin(messages: readonly string[], maxChars: number): string[] {
  const total = messages.reduce((sum, text) => sum + text.length, 0);
  if (total <= maxChars || messages.length <= 1) return [...messages];
  const [first, ...rest] = messages;
  const kept: string[] = [];
  let used = first!.length;
  for (let index = rest.length - 1; index >= 0 && used + rest[index]!.length <= maxChars; index--) {
    kept.unshift(rest[index]!);
    used += rest[index]!.length;
  }
  const omitted = rest.length - kept.length;
  return [first!, ...(omitted > 0 ? [`[${omitted} earlier user messages left out to fit the context window]`] : []), ...kept];
}
