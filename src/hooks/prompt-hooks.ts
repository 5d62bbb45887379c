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

/**
 * Runs the SessionStart hooks once a session starts (`startup`) or is resumed
 * (`resume`); what they print is context for the session's next prompt.
 * Contract: never rejects.
 */
export async function runSessionStart(hooks: HookRunner | undefined, source: 'startup' | 'resume'): Promise<PromptHookResult> {
  if (!hooks?.has('SessionStart')) return { bodies: [] };
  const outcome = await hooks.run('SessionStart', { source });
  return { bodies: hookResultBodies(outcome), ...(outcome.context ? { context: outcome.context } : {}) };
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
