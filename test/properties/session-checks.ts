import type { ModelMessage, ToolResultPart } from 'ai';
import type { AgentNode, NodeOf } from '../../src/agent/nodes';
import { ofType } from '../helpers/collect';
import type { GeneratedStep } from './session-arbitrary';

/** The main agent's nodes. */
export function mainNodes(nodes: readonly AgentNode[]): AgentNode[] {
  return nodes.filter((node) => node.agentId === 'main');
}

/**
 * The ids of the calls the main model made in one turn: those of every
 * response that finished streaming (an aborted response's calls never reach
 * the loop). Adds a problem for a step that reports another call count than
 * its script holds.
 */
export function callsMade(turn: readonly AgentNode[], script: readonly GeneratedStep[], problems: string[]): string[] {
  const made: string[] = [];
  for (const end of ofType(mainNodes(turn), 'step-end')) {
    if (end.finishReason === 'aborted' || end.finishReason === 'error') continue;
    const ids = (script[end.step - 1]?.calls ?? []).map((call) => call.id);
    if (end.toolCalls !== ids.length) problems.push(`step ${end.step} reported ${end.toolCalls} calls; its response made ${ids.length}`);
    made.push(...ids);
  }
  return made;
}

/**
 * The tool-call ids the assistant messages of a history hold, the tool-result
 * parts answering them, and the ids of results that come before their call.
 */
export function historyCalls(messages: readonly ModelMessage[]): { callIds: string[]; results: ToolResultPart[]; early: string[] } {
  const callIds: string[] = [];
  const results: ToolResultPart[] = [];
  const early: string[] = [];
  for (const message of messages) {
    if (message.role === 'assistant' && Array.isArray(message.content)) {
      for (const part of message.content) if (part.type === 'tool-call') callIds.push(part.toolCallId);
    }
    if (message.role === 'tool') {
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue;
        results.push(part);
        if (!callIds.includes(part.toolCallId)) early.push(part.toolCallId);
      }
    }
  }
  return { callIds, results, early };
}

/** The output type the model must receive for a call that ended with each status. */
export const RESULT_TYPE: Record<NodeOf<'tool-call-end'>['status'], ToolResultPart['output']['type']> = {
  ok: 'text',
  denied: 'execution-denied',
  error: 'error-text',
  cancelled: 'error-text',
};

/** How many times each value occurs. */
export function countOf(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
