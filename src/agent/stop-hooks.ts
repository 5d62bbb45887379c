import type { ModelMessage } from 'ai';
import type { HookRunner } from '../hooks/runner';
import { hookResultBodies } from '../hooks/report';
import type { NodeBody } from './nodes';

/** Turns in a row a Stop hook may keep going: past it, a hook that always blocks no longer holds the agent. */
export const MAX_STOP_CONTINUES = 5;

/** A sub-agent as its SubagentStart and SubagentStop hooks know it: its id and its type (a user agent's name, or "research"). */
export interface SubagentIdentity {
  agentId: string;
  agentType: string;
}

/**
 * Runs the Stop hooks when the main agent answers without calls, or the
 * SubagentStop hooks (matched by agent type) when a sub-agent does. A hook that
 * blocks (exit 2, `decision: "block"`) keeps the agent going: the result is the
 * user message telling the model why, its reason. `stop_hook_active` tells the
 * hook it already did so once, as in Claude Code; after `MAX_STOP_CONTINUES`
 * in a row the agent stops regardless. `continue: false` always stops.
 * `lastMessage` is the agent's final response (`last_assistant_message`).
 * Contract: never throws; undefined when the agent stops.
 */
export async function* runStopHooks(options: {
  hooks?: HookRunner;
  step: number;
  continues: number;
  lastMessage: string;
  subagent?: SubagentIdentity;
  signal: AbortSignal;
}): AsyncGenerator<NodeBody, ModelMessage | undefined> {
  const { subagent } = options;
  const event = subagent ? 'SubagentStop' : 'Stop';
  if (!options.hooks?.has(event, subagent?.agentType) || options.signal.aborted) return undefined;
  const fields = {
    stop_hook_active: options.continues > 0,
    ...(subagent ? { agent_id: subagent.agentId, agent_type: subagent.agentType, agent_transcript_path: '' } : {}),
    last_assistant_message: options.lastMessage,
  };
  const outcome = await options.hooks.run(event, fields, { matchOn: subagent?.agentType, signal: options.signal });
  for (const body of hookResultBodies(outcome, { step: options.step })) yield body;
  if (outcome.blockReason === undefined || outcome.stopReason !== undefined || options.signal.aborted) return undefined;
  if (options.continues >= MAX_STOP_CONTINUES) {
    yield { type: 'step-notice', step: options.step, text: `A ${event} hook blocked ${MAX_STOP_CONTINUES + 1} times in a row; the turn ends here.` };
    return undefined;
  }
  return { role: 'user', content: `${event} hook feedback (the turn was not allowed to end yet):\n${outcome.blockReason}` };
}
