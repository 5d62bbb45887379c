import type { ModelMessage } from 'ai';
import type { NodeBody } from '../agent/nodes';
import { hookResultBodies } from './report';
import type { HookRunner } from './runner';

/** What a prompt's or a session's hooks decided, and one node body per hook that ran. */
export interface PromptHookResult {
  bodies: NodeBody[];
  /** Set when a hook blocked the prompt (exit 2, `decision: "block"`, `continue: false`): it is not sent, and this is shown to the user. */
  blockReason?: string;
  /** What the hooks add to the model's context: their plain stdout or `additionalContext`. */
  context?: string;
}

/**
 * Runs the UserPromptSubmit hooks before a prompt is sent, as in Claude Code:
 * a block keeps the prompt from the model and tells the user why; otherwise
 * what the hooks printed joins the prompt as context (`withHookContext`).
 * Contract: never rejects; nothing happens without hooks.
 */
export async function runPromptSubmit(hooks: HookRunner | undefined, prompt: string, signal?: AbortSignal): Promise<PromptHookResult> {
  if (!hooks?.has('UserPromptSubmit')) return { bodies: [] };
  const outcome = await hooks.run('UserPromptSubmit', { prompt }, { signal });
  const blockReason = outcome.blockReason ?? outcome.stopReason;
  return { bodies: hookResultBodies(outcome), ...(blockReason !== undefined ? { blockReason } : outcome.context ? { context: outcome.context } : {}) };
}

/** Why a session starts, as SessionStart's `source` says it and its matchers match it. */
export type SessionStartSource = 'startup' | 'resume' | 'clear' | 'compact';

/**
 * Runs the SessionStart hooks whose matcher selects `source`: a session
 * starts (`startup`), is resumed (`resume`), starts anew after /clear
 * (`clear`) or goes on from a compacted history (`compact`); what they
 * print is context for the model. Contract: never rejects.
 */
export async function runSessionStart(hooks: HookRunner | undefined, source: SessionStartSource): Promise<PromptHookResult> {
  if (!hooks?.has('SessionStart', source)) return { bodies: [] };
  const outcome = await hooks.run('SessionStart', { source }, { matchOn: source });
  return { bodies: hookResultBodies(outcome), ...(outcome.context ? { context: outcome.context } : {}) };
}

/** Why a session ends, as SessionEnd's `reason` says it and its matchers match it. */
export type SessionEndReason = 'clear' | 'prompt_input_exit' | 'other';

/**
 * Runs the SessionEnd hooks whose matcher selects `reason`: /clear (`clear`),
 * the user quitting the TUI (`prompt_input_exit`), a headless run's end
 * (`other`). They cannot block; each is killed at its timeout, so waiting for
 * them never holds shoal longer than that. Contract: never rejects.
 */
export async function runSessionEnd(hooks: HookRunner | undefined, reason: SessionEndReason): Promise<NodeBody[]> {
  if (!hooks?.has('SessionEnd', reason)) return [];
  return hookResultBodies(await hooks.run('SessionEnd', { reason }, { matchOn: reason }));
}

/**
 * `messages` with what hooks added joined to the one at `index` (negative
 * counts from the end), when that is a user's text; `messages` itself otherwise.
 */
export function withContextAt(messages: ModelMessage[], index: number, context: string | undefined): ModelMessage[] {
  const at = index < 0 ? messages.length + index : index;
  const message = messages[at];
  const user = message?.role === 'user' ? message : undefined;
  const content = user?.content;
  if (!context || !user || typeof content !== 'string') return messages;
  return messages.map((each, position) => (position === at ? { ...user, content: withHookContext(content, [context]) } : each));
}

/** The prompt as the model gets it, with what hooks added set apart after it. */
export function withHookContext(content: string, contexts: readonly (string | undefined)[]): string {
  const added = contexts.filter((context): context is string => Boolean(context));
  if (added.length === 0) return content;
  return `${content}\n\n<hook-context>\n${added.join('\n\n')}\n</hook-context>`;
}

/**
 * Runs the Notification hooks with what shoal is telling the user (an approval
 * waits, a turn ended), without waiting for them: a notifier must never hold the UI.
 * Contract: never rejects; `onResult` gets the hooks' node bodies once they ran.
 */
export function notifyHooks(hooks: HookRunner | undefined, message: string, onResult: (bodies: NodeBody[]) => void): void {
  if (!hooks?.has('Notification')) return;
  void hooks.run('Notification', { message, title: 'shoal' }).then((outcome) => onResult(hookResultBodies(outcome)));
}
