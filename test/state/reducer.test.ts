import { describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/loop';
import type { AgentNode } from '../../src/agent/nodes';
import { createRegistry } from '../../src/tools/registry';
import { initialSessionState, reduce } from '../../src/state/reducer';
import {
  selectActivity,
  selectFinishedTurns,
  selectLiveNotices,
  selectLiveTurn,
  selectPendingApproval,
  selectStats,
  selectTranscript,
  selectTurnCalls,
} from '../../src/state/selectors';
import type { SessionState } from '../../src/state/types';
import { collect } from '../helpers/collect';
import { createFakeResearchTool, createFakeTool } from '../helpers/fake-tools';
import { createScriptedModel } from '../helpers/scripted-model';

const fold = (nodes: readonly (AgentNode | Parameters<typeof reduce>[1])[], state: SessionState = initialSessionState) =>
  nodes.reduce(reduce, state);

const node = <T extends AgentNode['type']>(type: T, fields: object, agentId = 'main'): AgentNode =>
  ({ type, agentId, time: 1000, ...fields }) as AgentNode;

/** Nodes of a real loop run: one response with three reads, then an answer. */
async function recordBatchRun(): Promise<AgentNode[]> {
  const model = createScriptedModel([
    { text: 'Looking.', calls: ['a', 'b', 'c'].map((label) => ({ toolName: 'read', input: { label } })) },
    { text: 'Found it.' },
  ]);
  return collect(
    runAgent({
      model,
      instructions: '',
      messages: [{ role: 'user', content: 'go' }],
      tools: createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 30 })]),
      signal: new AbortController().signal,
      requestApproval: async () => ({ type: 'allow' }),
    }),
  );
}

/** Nodes of a run whose two research calls start sub-agents that each batch two reads. */
async function recordResearchRun(): Promise<AgentNode[]> {
  const research = createFakeResearchTool(30);
  const model = createScriptedModel([
    {
      calls: [
        { toolName: 'research_codebase', input: { question: 'auth' }, id: 'r1' },
        { toolName: 'research_codebase', input: { question: 'db' }, id: 'r2' },
      ],
    },
    { text: 'Both done.' },
  ]);
  return collect(
    runAgent({
      model,
      instructions: '',
      messages: [{ role: 'user', content: 'research' }],
      tools: createRegistry([research]),
      signal: new AbortController().signal,
      requestApproval: async () => ({ type: 'allow' }),
    }),
  );
}

describe('reduce', () => {
  it('folds a recorded batch run into one finished turn', async () => {
    const state = fold([{ type: 'turn-start', prompt: 'go', time: 0 }, ...(await recordBatchRun())]);
    expect(state.problems).toEqual([]);
    const [turn] = state.turns;
    expect(turn).toMatchObject({ prompt: 'go', status: 'done', usage: { inputTokens: 20, outputTokens: 10 } });
    const main = turn!.agents.main!;
    expect(main.steps.map((step) => step.text)).toEqual(['Looking.', 'Found it.']);
    expect(main.steps[0]!.phases).toMatchObject([{ phase: 'read-only', toolCallIds: ['call-0-0', 'call-0-1', 'call-0-2'] }]);
    const calls = selectTurnCalls(turn!);
    expect(calls.map((call) => [call.description, call.status])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
      ['c', 'done'],
    ]);
    expect(calls.every((call) => (call.durationMs ?? 0) >= 25)).toBe(true);
    expect(selectLiveTurn(state)).toBeUndefined();
    expect(selectTranscript(state).map((item) => item.key)).toEqual(['1-prompt', '1-step-1', '1-step-2', '1-end']);
    expect(selectFinishedTurns(state)).toHaveLength(1);
    expect(selectStats(state)).toMatchObject({ toolCalls: 3, batches: 1, responsesWithCalls: 1, callsPerResponse: 3 });
    expect(selectStats(state).timeSavedMs).toBeGreaterThan(30);
  });

  it('nests interleaved sub-agent nodes under the research calls that spawned them', async () => {
    const nodes = await recordResearchRun();
    // The two sub-agents really interleave in the stream.
    const agentsInOrder = nodes.filter((entry) => entry.agentId !== 'main').map((entry) => entry.agentId);
    expect(agentsInOrder.indexOf('research:r2')).toBeLessThan(agentsInOrder.lastIndexOf('research:r1'));

    const state = fold([{ type: 'turn-start', prompt: 'research', time: 0 }, ...nodes]);
    expect(state.problems).toEqual([]);
    const turn = state.turns[0]!;
    for (const id of ['r1', 'r2']) {
      const call = turn.agents.main!.steps[0]!.calls[id]!;
      expect(call).toMatchObject({ status: 'done', childAgentId: `research:${id}`, summary: '2 steps, 2 tool calls' });
      const child = turn.agents[`research:${id}`]!;
      expect(child).toMatchObject({ parentToolCallId: id, status: 'done' });
      const step = child.steps[0]!;
      expect(step.phases[0]!.toolCallIds.map((callId) => step.calls[callId]!.status)).toEqual(['done', 'done']);
    }
    expect(turn.status).toBe('done');
  });

  it('walks a write through approval', () => {
    const call = { toolCallId: 'w', toolName: 'write_file', input: { path: 'a' } };
    const start = [
      { type: 'turn-start' as const, prompt: 'edit', time: 0 },
      node('run-start', { modelId: 'm', maxSteps: 5 }),
      node('step-start', { step: 1 }),
      node('phase-start', { step: 1, phase: 'write', calls: [call] }),
      node('approval-request', { step: 1, ...call, preview: { type: 'diff', path: 'a', isNewFile: true, diff: '+x' } }),
    ];
    let state = fold(start);
    expect(selectPendingApproval(state)).toMatchObject({ toolCallId: 'w', status: 'awaiting-approval', input: { path: 'a' }, preview: { path: 'a' } });
    expect(fold(start.slice(0, -1)).turns[0]!.agents.main!.steps[0]!.calls.w).not.toHaveProperty('input');
    expect(selectActivity(state)).toEqual({ kind: 'awaiting-approval', toolName: 'write_file' });

    state = fold(
      [
        node('approval-resolve', { step: 1, toolCallId: 'w', decision: { type: 'allow' } }),
        node('tool-call-start', { step: 1, phase: 'write', ...call, description: 'a' }),
      ],
      state,
    );
    expect(selectPendingApproval(state)).toBeUndefined();
    expect(selectActivity(state)).toEqual({ kind: 'running-tools', count: 1, researchers: 0 });
    state = fold([node('tool-call-end', { step: 1, toolCallId: 'w', toolName: 'write_file', status: 'ok', durationMs: 3, summary: 'ok', output: 'ok' })], state);
    expect(state.turns[0]!.agents.main!.steps[0]!.calls.w).toMatchObject({ status: 'done', decision: { type: 'allow' } });
    // A finished call keeps neither its input nor its diff: a write's can run to megabytes.
    expect(state.turns[0]!.agents.main!.steps[0]!.calls.w).not.toHaveProperty('input', expect.anything());
    expect(state.turns[0]!.agents.main!.steps[0]!.calls.w).not.toHaveProperty('preview', expect.anything());
    expect(state.problems).toEqual([]);
  });

  it('describes a call as it starts: a PreToolUse hook may have changed its input since its phase began', () => {
    const call = { toolCallId: 'w', toolName: 'write_file', input: { path: 'a.txt' } };
    const state = fold([
      { type: 'turn-start', prompt: 'x', time: 0 },
      node('run-start', { modelId: 'm', maxSteps: 5 }),
      node('step-start', { step: 1 }),
      node('phase-start', { step: 1, phase: 'write', calls: [{ ...call, description: 'a.txt (1 line)' }] }),
      node('tool-call-start', { step: 1, phase: 'write', ...call, input: { path: 'notes/b.txt' }, description: 'notes/b.txt (1 line)' }),
    ]);
    expect(state.turns[0]!.agents.main!.steps[0]!.calls.w).toMatchObject({ status: 'running', description: 'notes/b.txt (1 line)' });
    expect(state.problems).toEqual([]);
  });

  it('refuses impossible transitions and leaves the state as it was', () => {
    const call = { toolCallId: 'c', toolName: 'read_file', input: {} };
    const state = fold([
      { type: 'turn-start', prompt: 'x', time: 0 },
      node('run-start', { modelId: 'm', maxSteps: 5 }),
      node('step-start', { step: 1 }),
      node('phase-start', { step: 1, phase: 'read-only', calls: [call] }),
      node('tool-call-start', { step: 1, phase: 'read-only', ...call, description: 'x' }),
      node('tool-call-end', { step: 1, toolCallId: 'c', toolName: 'read_file', status: 'ok', durationMs: 1, summary: '', output: '' }),
    ]);
    const refused = [
      node('tool-call-start', { step: 1, phase: 'read-only', ...call, description: 'again' }),
      node('tool-call-end', { step: 1, toolCallId: 'c', toolName: 'read_file', status: 'error', durationMs: 1, summary: '', output: '' }),
      node('tool-call-end', { step: 1, toolCallId: 'ghost', toolName: 'read_file', status: 'ok', durationMs: 1, summary: '', output: '' }),
      node('approval-request', { step: 1, ...call }),
      node('text-delta', { step: 7, text: 'wrong step' }),
      node('step-start', { step: 1 }, 'never-started'),
      node('phase-start', { step: 1, phase: 'read-only', calls: [call] }),
    ];
    const after = fold(refused, state);
    expect(after.turns).toEqual(state.turns);
    expect(after.problems).toHaveLength(refused.length);
    expect(after.problems[0]).toContain('cannot go from done to running');
  });

  it('refuses nodes when no turn is running, and starts one for a bare main run', () => {
    const stray = fold([node('step-start', { step: 1 })]);
    expect(stray.turns).toEqual([]);
    expect(stray.problems).toHaveLength(1);
    const bare = fold([node('run-start', { modelId: 'm', maxSteps: 5 })]);
    expect(bare.turns).toHaveLength(1);
  });

  it('lets queued and running calls be cancelled, and clears the session', () => {
    const calls = [
      { toolCallId: 'a', toolName: 'read_file', input: {} },
      { toolCallId: 'b', toolName: 'read_file', input: {} },
    ];
    const state = fold([
      { type: 'turn-start', prompt: 'x', time: 0 },
      node('run-start', { modelId: 'm', maxSteps: 5 }),
      node('step-start', { step: 1 }),
      node('phase-start', { step: 1, phase: 'read-only', calls }),
      node('tool-call-start', { step: 1, phase: 'read-only', ...calls[0], description: 'a' }),
      node('tool-call-end', { step: 1, toolCallId: 'a', toolName: 'read_file', status: 'cancelled', durationMs: 5, summary: '', output: '' }),
      node('tool-call-end', { step: 1, toolCallId: 'b', toolName: 'read_file', status: 'cancelled', durationMs: 0, summary: '', output: '' }),
      node('run-end', { reason: 'aborted', text: '', usage: { inputTokens: 0, outputTokens: 0 }, steps: 1 }),
    ]);
    expect(state.problems).toEqual([]);
    expect(selectTurnCalls(state.turns[0]!).map((call) => call.status)).toEqual(['cancelled', 'cancelled']);
    expect(state.turns[0]!.status).toBe('aborted');
    const cleared = reduce(state, { type: 'session-clear' });
    expect(cleared).toMatchObject({ turns: [], notices: [], problems: [], usage: { inputTokens: 0, outputTokens: 0 } });
    expect(cleared.nextId).toBe(state.nextId);
  });

  it('orders notices with turns and holds back those made during the live turn', () => {
    let state = fold([
      { type: 'notice', text: 'welcome' },
      { type: 'turn-start', prompt: 'first', time: 0 },
      node('run-start', { modelId: 'm', maxSteps: 5 }),
      { type: 'notice', text: 'during' },
    ]);
    expect(selectTranscript(state).map((item) => item.kind)).toEqual(['notice', 'prompt']);
    expect(selectLiveNotices(state).map((notice) => notice.text)).toEqual(['during']);
    state = fold([node('run-end', { reason: 'done', text: '', usage: { inputTokens: 0, outputTokens: 0 }, steps: 0 })], state);
    expect(selectTranscript(state).map((item) => (item.kind === 'notice' ? item.notice.text : item.kind))).toEqual([
      'welcome',
      'prompt',
      'turn-end',
      'during',
    ]);
    expect(selectLiveNotices(state)).toEqual([]);
  });
});

describe('usage', () => {
  const usage = (inputTokens: number, outputTokens: number, costUsd: number) => ({ inputTokens, outputTokens, cachedInputTokens: inputTokens / 2, reasoningTokens: 1, costUsd });
  /** A main step whose compaction summarised, and a research sub-agent that compacted too. */
  const compactedRun = [
    { type: 'turn-start' as const, prompt: 'go', time: 0 },
    node('run-start', { modelId: 'm', maxSteps: 5 }),
    node('step-start', { step: 1 }),
    node('compaction-start', { step: 1, reason: 'threshold', tokensBefore: 9000, window: 10_000 }),
    node('compaction-end', { step: 1, method: 'summary', tokensBefore: 9000, tokensAfter: 2000, usage: usage(800, 100, 0.5) }),
    node('phase-start', { step: 1, phase: 'research', calls: [{ toolCallId: 'r1', toolName: 'research_codebase', input: {}, description: 'q' }] }),
    node('tool-call-start', { step: 1, phase: 'research', toolCallId: 'r1', toolName: 'research_codebase', input: {}, description: 'q' }),
    node('run-start', { modelId: 'm', maxSteps: 5, parentToolCallId: 'r1' }, 'research:r1'),
    node('step-start', { step: 1, parentToolCallId: 'r1' }, 'research:r1'),
    node('compaction-start', { step: 1, reason: 'overflow', tokensBefore: 9000, window: 10_000, parentToolCallId: 'r1' }, 'research:r1'),
    // A failed summary the server still billed.
    node('compaction-end', { step: 1, method: 'cleared-outputs', tokensBefore: 9000, tokensAfter: 9000, error: 'the summary failed', usage: usage(600, 20, 0.25), parentToolCallId: 'r1' }, 'research:r1'),
    node('step-end', { step: 1, finishReason: 'stop', usage: usage(40, 10, 0.125), toolCalls: 0, durationMs: 5, parentToolCallId: 'r1' }, 'research:r1'),
    node('run-end', { reason: 'done', text: 'r', usage: usage(640, 30, 0.375), steps: 1, parentToolCallId: 'r1' }, 'research:r1'),
    node('tool-call-end', { step: 1, toolCallId: 'r1', toolName: 'research_codebase', status: 'ok', durationMs: 5, summary: '', output: 'r' }),
    node('phase-end', { step: 1, phase: 'research', durationMs: 5 }),
    node('step-end', { step: 1, finishReason: 'tool-calls', usage: usage(20, 4, 0.0625), toolCalls: 1, durationMs: 9 }),
  ];

  it('counts every compaction’s summary call, a sub-agent’s and a failed one included, with the steps in the turn, the session and /stats', () => {
    const state = fold(compactedRun);
    expect(state.problems).toEqual([]);
    const expected = { inputTokens: 1460, outputTokens: 134, cachedInputTokens: 730, reasoningTokens: 4, costUsd: 0.9375 };
    expect(state.usage).toEqual(expected);
    expect(state.turns[0]!.usage).toEqual(expected);
    expect(selectStats(state).usage).toEqual(expected);
  });

  it('leaves the totals alone for a compaction that made no model call', () => {
    const state = fold([
      { type: 'turn-start', prompt: 'go', time: 0 },
      node('run-start', { modelId: 'm', maxSteps: 5 }),
      node('step-start', { step: 1 }),
      node('compaction-start', { step: 1, reason: 'threshold', tokensBefore: 9000, window: 10_000 }),
      node('compaction-end', { step: 1, method: 'cleared-outputs', tokensBefore: 9000, tokensAfter: 4000 }),
    ]);
    expect(state.problems).toEqual([]);
    expect(state.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(state.turns[0]!.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('a response that runs the same phase twice (reads placed after a write)', () => {
  it('keeps both read batches, in order, each with its own duration', () => {
    const call = (id: string, toolName: string) => ({ toolCallId: id, toolName, input: {}, description: id });
    const state = fold([
      { type: 'turn-start', prompt: 'go', time: 0 },
      node('run-start', { modelId: 'm', maxSteps: 5 }),
      node('step-start', { step: 1 }),
      node('phase-start', { step: 1, phase: 'read-only', calls: [call('r1', 'read')] }),
      node('phase-end', { step: 1, phase: 'read-only', durationMs: 5 }),
      node('phase-start', { step: 1, phase: 'write', calls: [call('w1', 'write')] }),
      node('phase-end', { step: 1, phase: 'write', durationMs: 7 }),
      node('phase-start', { step: 1, phase: 'read-only', calls: [call('r2', 'read')] }),
      node('phase-end', { step: 1, phase: 'read-only', durationMs: 9 }),
    ]);
    const phases = state.turns[0]!.agents.main!.steps[0]!.phases;
    expect(phases.map((phase) => [phase.phase, phase.toolCallIds, phase.durationMs])).toEqual([
      ['read-only', ['r1'], 5],
      ['write', ['w1'], 7],
      ['read-only', ['r2'], 9],
    ]);
  });
});


describe('calls started while the response streams', () => {
  const call = (id: string) => ({ toolCallId: id, toolName: 'read', input: {}, description: id });
  const start = [
    { type: 'turn-start' as const, prompt: 'go', time: 0 },
    node('run-start', { modelId: 'm', maxSteps: 5 }),
    node('step-start', { step: 1 }),
  ];

  it('joins each early call to the open panel of its phase, while the text still streams', () => {
    const state = fold([
      ...start,
      node('text-delta', { step: 1, text: 'Reading ' }),
      node('phase-start', { step: 1, phase: 'read-only', calls: [call('a')] }),
      node('tool-call-start', { step: 1, phase: 'read-only', ...call('a') }),
      node('text-delta', { step: 1, text: 'two files.' }),
      node('phase-add', { step: 1, phase: 'read-only', calls: [call('b')] }),
      node('step-end', { step: 1, finishReason: 'tool-calls', usage: { inputTokens: 10, outputTokens: 2 }, toolCalls: 2, durationMs: 9, overlapMs: 120 }),
    ]);
    expect(state.problems).toEqual([]);
    const step = state.turns[0]!.agents.main!.steps[0]!;
    expect(step.text).toBe('Reading two files.');
    expect(step.phases).toMatchObject([{ phase: 'read-only', toolCallIds: ['a', 'b'] }]);
    expect(step.calls.a!.status).toBe('running');
    expect(step.calls.b!.status).toBe('queued');
    expect(selectStats(state).overlapSavedMs).toBe(120);
  });

  it('refuses a call joining a phase that is not open', () => {
    const state = fold([...start, node('phase-add', { step: 1, phase: 'read-only', calls: [call('a')] })]);
    expect(state.problems).toEqual(['ignored phase-add from main: no open read-only phase']);
    expect(state.turns[0]!.agents.main!.steps[0]!.phases).toEqual([]);
  });

  it('takes back what a discarded response showed, and keeps what it was billed', () => {
    const state = fold([
      ...start,
      node('reasoning-delta', { step: 1, text: 'hmm' }),
      node('text-delta', { step: 1, text: 'Half an ans' }),
      node('phase-start', { step: 1, phase: 'read-only', calls: [call('a')] }),
      node('tool-call-start', { step: 1, phase: 'read-only', ...call('a') }),
      node('tool-call-end', { step: 1, toolCallId: 'a', toolName: 'read', status: 'cancelled', durationMs: 3, summary: 'cancelled', output: '' }),
      node('phase-end', { step: 1, phase: 'read-only', durationMs: 3 }),
      node('response-discard', { step: 1, reason: 'The connection closed.' }),
      node('text-delta', { step: 1, text: 'The whole answer.' }),
      node('step-end', { step: 1, finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 }, toolCalls: 0, durationMs: 9 }),
    ]);
    expect(state.problems).toEqual([]);
    const step = state.turns[0]!.agents.main!.steps[0]!;
    expect(step).toMatchObject({ text: 'The whole answer.', reasoning: '', phases: [], calls: {}, finishReason: 'stop' });
    expect(state.usage).toMatchObject({ inputTokens: 10, outputTokens: 2 });
  });

  it('keeps a model client notice with its step, and the latest cache share of the main agent', () => {
    const state = fold([
      ...start,
      node('step-notice', { step: 1, text: 'Retried with 9-character tool-call ids.' }),
      node('step-end', { step: 1, finishReason: 'stop', usage: { inputTokens: 1000, outputTokens: 2, cachedInputTokens: 870 }, toolCalls: 0, durationMs: 9 }),
    ]);
    expect(state.turns[0]!.agents.main!.steps[0]!.notices).toEqual(['Retried with 9-character tool-call ids.']);
    expect(state.lastCache).toEqual({ inputTokens: 1000, cachedInputTokens: 870 });
    expect(selectStats(state).lastCache).toEqual({ inputTokens: 1000, cachedInputTokens: 870 });
  });
});
