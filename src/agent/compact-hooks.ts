import type { ModelMessage } from 'ai';
import type { HookRunner } from '../hooks/runner';
import { runSessionStart, withContextAt } from '../hooks/prompt-hooks';
import { hookResultBodies } from '../hooks/report';
import type { NodeBody } from './nodes';

/**
 * Runs the PreCompact hooks before the main agent's history is compacted,
 * matched by `trigger`: "manual" for /compact (its text is
 * `custom_instructions`), "auto" when the history outgrew its window. They
 * cannot stop the compaction. Contract: never throws.
 */
export async function* runPreCompact(options: { hooks?: HookRunner; trigger: 'manual' | 'auto'; focus?: string; step: number; signal: AbortSignal }): AsyncGenerator<NodeBody, void> {
  const { hooks, trigger } = options;
  if (!hooks?.has('PreCompact', trigger) || options.signal.aborted) return;
  const outcome = await hooks.run('PreCompact', { trigger, custom_instructions: options.focus ?? '' }, { matchOn: trigger, signal: options.signal });
  for (const body of hookResultBodies(outcome, { step: options.step })) yield body;
}

/**
 * Runs the SessionStart hooks with `source` "compact" once a compaction
 * replaced the history, as Claude Code does; what they add joins the
 * compacted history's first message (the summary), when it is the user's.
 * Contract: never throws; returns `messages` itself when nothing was added.
 */
export async function* runCompactedSessionStart(options: { hooks?: HookRunner; messages: ModelMessage[]; step: number }): AsyncGenerator<NodeBody, ModelMessage[]> {
  const started = await runSessionStart(options.hooks, 'compact');
  for (const body of started.bodies) yield { ...body, step: options.step } as NodeBody;
  return withContextAt(options.messages, 0, started.context);
}
