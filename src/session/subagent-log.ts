import type { AgentNode } from '../agent/nodes';
import type { SubagentCall, SubagentRecord } from './entries';

/** Most characters of a report and calls per sub-agent a session keeps: a retelling, not a second copy of the history. */
export const MAX_SAVED_REPORT_CHARS = 20_000;
export const MAX_SAVED_CALLS = 200;

/** Follows the research sub-agents of a run and hands back each one's record when it ends. */
export interface SubagentLog {
  /** Takes every node of a run; returns a sub-agent's record on its `run-end`. */
  observe: (node: AgentNode) => SubagentRecord | undefined;
}

/** A log of the sub-agents of one session; the question comes from the main agent's `research_codebase` call. */
export function createSubagentLog(): SubagentLog {
  const questions = new Map<string, string>();
  const running = new Map<string, { toolCallId: string; calls: Map<string, SubagentCall> }>();
  return {
    observe(node) {
      if (node.agentId === 'main') {
        if (node.type === 'phase-start' || node.type === 'phase-add') {
          // A user's agent with write tools runs its research_codebase call in the write phase.
          for (const call of node.calls) if (node.phase === 'research' || call.toolName === 'research_codebase') questions.set(call.toolCallId, call.description);
        }
        return undefined;
      }
      if (node.type === 'run-start' && node.parentToolCallId) {
        running.set(node.agentId, { toolCallId: node.parentToolCallId, calls: new Map() });
        return undefined;
      }
      const agent = running.get(node.agentId);
      if (!agent) return undefined;
      switch (node.type) {
        case 'phase-start':
        case 'phase-add':
          for (const call of node.calls) {
            if (agent.calls.size >= MAX_SAVED_CALLS) break;
            agent.calls.set(call.toolCallId, { toolName: call.toolName, description: call.description, status: 'cancelled', summary: '' });
          }
          return undefined;
        case 'tool-call-invalid':
          if (agent.calls.size < MAX_SAVED_CALLS) agent.calls.set(node.toolCallId, { toolName: node.toolName, description: '', status: 'error', summary: node.error.split('\n')[0]! });
          return undefined;
        case 'tool-call-end': {
          const call = agent.calls.get(node.toolCallId);
          if (call) agent.calls.set(node.toolCallId, { ...call, status: node.status, summary: node.summary });
          return undefined;
        }
        case 'run-end': {
          running.delete(node.agentId);
          const question = questions.get(agent.toolCallId) ?? '';
          questions.delete(agent.toolCallId);
          return { toolCallId: agent.toolCallId, question, calls: [...agent.calls.values()], report: node.text.slice(0, MAX_SAVED_REPORT_CHARS), reason: node.reason };
        }
        default:
          return undefined;
      }
    },
  };
}
