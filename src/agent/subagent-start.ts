import type { ModelMessage } from 'ai';
import type { HookRunner } from '../hooks/runner';
import { hookResultBodies } from '../hooks/report';
import { withContextAt } from '../hooks/prompt-hooks';
import type { NodeBody } from './nodes';
import type { SubagentIdentity } from './stop-hooks';

/**
 * Runs the SubagentStart hooks (matched by agent type) as a sub-agent starts;
 * what they add (`additionalContext`) joins its task, the last of `messages`.
 * Contract: never throws; returns `messages` itself when nothing was added.
 */
export async function* runSubagentStart(options: {
  hooks?: HookRunner;
  subagent: SubagentIdentity;
  messages: ModelMessage[];
  signal: AbortSignal;
}): AsyncGenerator<NodeBody, ModelMessage[]> {
  const { hooks, subagent, messages } = options;
  if (!hooks?.has('SubagentStart', subagent.agentType) || options.signal.aborted) return messages;
  const outcome = await hooks.run('SubagentStart', { agent_id: subagent.agentId, agent_type: subagent.agentType }, { matchOn: subagent.agentType, signal: options.signal });
  for (const body of hookResultBodies(outcome)) yield body;
  return withContextAt(messages, -1, outcome.context);
}
