import type { ModelMessage } from 'ai';
import { PLAN_MODE_NOTE } from '../../agent/calls/approval';
import { typedInitCommand } from '../../agent/instructions/init-prompt';
import { oneLine } from '../../agent/text';
import type { Checkpoint } from '../../checkpoints';

/** One prompt of the conversation, as /rewind offers it. */
export interface ConversationPrompt {
  /** 1 for the conversation's first prompt: what `/rewind N` names and a checkpoint's label carries. */
  ordinal: number;
  /** Where its user message sits in the history: the conversation is cut to the messages before it. */
  messageIndex: number;
  /** What the user typed: attached files and the plan-mode note taken off, for the prompt box. */
  text: string;
}

/** How much of a prompt's first line a checkpoint's label keeps. */
const LABEL_LINE_LENGTH = 60;

/** The label of the checkpoint taken before prompt `ordinal`: `#3 fix the parser`. */
export function checkpointLabel(ordinal: number, prompt: string): string {
  return `#${ordinal} ${oneLine(prompt, LABEL_LINE_LENGTH)}`;
}

/** The prompts of `history`, oldest first; `notes` are the indexes of user messages shoal itself added (/undo's, `!cmd`'s), never prompts. */
export function conversationPrompts(history: readonly ModelMessage[], notes: ReadonlySet<number> = new Set()): ConversationPrompt[] {
  const prompts: ConversationPrompt[] = [];
  history.forEach((message, messageIndex) => {
    if (message.role !== 'user' || notes.has(messageIndex)) return;
    prompts.push({ ordinal: prompts.length + 1, messageIndex, text: typedText(message) });
  });
  return prompts;
}

/**
 * The checkpoint taken just before `prompt`: the newest whose label names its
 * ordinal and first line (after a rewind the same ordinal is taken again, and
 * the newest matches the conversation as it is now).
 */
export function checkpointBefore(prompt: ConversationPrompt, checkpoints: readonly Checkpoint[]): Checkpoint | undefined {
  const label = checkpointLabel(prompt.ordinal, prompt.text);
  return checkpoints.findLast((checkpoint) => checkpoint.label === label);
}

/** Whether a checkpoint was taken before a turn (not as a restore's backup). */
export function isTurnCheckpoint(checkpoint: Checkpoint): boolean {
  return /^#\d+ /.test(checkpoint.label);
}

function typedText(message: ModelMessage): string {
  const content = typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  let text = content.endsWith(`\n\n${PLAN_MODE_NOTE}`) ? content.slice(0, -PLAN_MODE_NOTE.length - 2) : content;
  // /init's prompt follows the typed command.
  text = typedInitCommand(text) ?? text;
  // Files an @ mention attached follow the typed text (see attachMentions).
  const attached = text.indexOf('\n\n<file path="');
  if (attached !== -1) text = text.slice(0, attached);
  return text;
}
