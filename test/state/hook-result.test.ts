import { describe, expect, it } from 'vitest';
import type { AgentNode } from '../../src/agent/nodes';
import { initialSessionState, reduce } from '../../src/state/reducer';

const at = (fields: object, agentId = 'main') => ({ agentId, time: 1, ...fields }) as AgentNode;
const hook = (fields: object) => at({ type: 'hook-result', event: 'PreToolUse', command: './guard.sh', status: 'blocked', text: 'no rm', toolName: 'bash', ...fields });

describe('reduce: hook-result', () => {
  it("adds a hook around a call to its step's notes", () => {
    const state = [
      { type: 'turn-start', prompt: 'go', time: 0 } as const,
      at({ type: 'run-start', modelId: 'm', maxSteps: 5 }),
      at({ type: 'step-start', step: 1 }),
      hook({ step: 1, toolCallId: 'c1' }),
    ].reduce(reduce, initialSessionState);
    expect(state.turns[0]!.agents.main!.steps[0]!.notices).toEqual(['PreToolUse hook blocked bash (./guard.sh): no rm']);
    expect(state.notices).toEqual([]);
    expect(state.problems).toEqual([]);
  });

  it('shows a hook outside a running step as a notice of its own', () => {
    const state = reduce(initialSessionState, hook({ event: 'SessionStart', status: 'timeout', toolName: undefined, text: 'timed out after 60 s and was killed' }));
    expect(state.notices).toEqual([{ id: 1, text: 'SessionStart hook timed out (./guard.sh): timed out after 60 s and was killed', tone: 'info' }]);
  });
});
