import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import type { ApprovalRequest, RequestApproval } from '../../src/agent/calls/approval';
import { runAgent, type RunAgentOptions } from '../../src/agent/loop';
import type { ApprovalDecision } from '../../src/agent/nodes';
import { createReadFileTool } from '../../src/tools/read-file';
import { createRegistry } from '../../src/tools/registry';
import { createWriteFileTool } from '../../src/tools/write-file';
import { collect, ofType, phasesOf } from '../helpers/collect';
import { createFakeTool, withInFlightCount, type Interval } from '../helpers/fake-tools';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const allowAll: RequestApproval = async () => ({ type: 'allow' });

type RunOverrides = Omit<RunAgentOptions, 'instructions' | 'messages' | 'signal' | 'requestApproval'> & {
  requestApproval?: RequestApproval;
};

function run({ requestApproval = allowAll, ...options }: RunOverrides) {
  return collect(
    runAgent({
      ...options,
      instructions: 'test',
      messages: [{ role: 'user', content: 'go' }],
      signal: new AbortController().signal,
      requestApproval,
    }),
  );
}

/** The tool results the model received in its call number `index` (0-based). */
function toolResultsSent(model: ReturnType<typeof createScriptedModel>, index: number) {
  return model.doStreamCalls[index]!.prompt.flatMap((message) =>
    message.role === 'tool' ? message.content.filter((part) => part.type === 'tool-result') : [],
  );
}

describe('runAgent', () => {
  it('runs the read-only calls of one response in parallel', async () => {
    const log: Interval[] = [];
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 150, log })]);
    const model = createScriptedModel([
      { calls: ['a', 'b', 'c'].map((label) => ({ toolName: 'read', input: { label } })) },
      { text: 'done' },
    ]);
    const nodes = await run({ model, tools });

    expect(log).toHaveLength(3);
    // Every call started before any call ended: they overlapped.
    const firstEnd = Math.min(...log.map((entry) => entry.end));
    for (const entry of log) expect(entry.start).toBeLessThan(firstEnd);
    expect(phasesOf(nodes).map((phase) => [phase.phase, phase.calls.map((call) => call.toolCallId)])).toEqual([['read-only', ['call-0-0', 'call-0-1', 'call-0-2']]]);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['ok', 'ok', 'ok']);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'done', steps: 2 }]);
  });

  it('caps the read-only batch at the concurrency limit', async () => {
    const { tool, most } = withInFlightCount(createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 30 }));
    const model = createScriptedModel([
      { calls: Array.from({ length: 7 }, (_, index) => ({ toolName: 'read', input: { label: `f${index}` } })) },
      { text: 'done' },
    ]);
    await run({ model, tools: createRegistry([tool]), concurrency: 3 });
    expect(most()).toBe(3);
  });

  it('runs phases in order, writes one at a time in the model order, and a read placed after a write after it', async () => {
    const log: Interval[] = [];
    const order: string[] = [];
    const tools = createRegistry([
      createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 20, onRun: (label) => order.push(label) }),
      createFakeTool({ name: 'write', kind: 'write', latencyMs: 20, log, onRun: (label) => order.push(label) }),
      createFakeTool({ name: 'research', kind: 'research', latencyMs: 20, onRun: (label) => order.push(label) }),
    ]);
    const model = createScriptedModel([
      {
        calls: [
          { toolName: 'write', input: { label: 'w1' } },
          { toolName: 'read', input: { label: 'r1' } },
          { toolName: 'write', input: { label: 'w2' } },
          { toolName: 'research', input: { label: 'q1' } },
          { toolName: 'write', input: { label: 'w3' } },
        ],
      },
      { text: 'done' },
    ]);
    const nodes = await run({ model, tools });

    expect(ofType(nodes, 'phase-start').map((node) => node.phase)).toEqual(['write', 'read-only', 'write', 'research', 'write']);
    expect(order).toEqual(['w1', 'r1', 'w2', 'q1', 'w3']);
    for (let index = 1; index < log.length; index++) expect(log[index]!.start).toBeGreaterThanOrEqual(log[index - 1]!.end);
    // Results go back in the model's order, one per call.
    expect(toolResultsSent(model, 1).map((part) => part.toolCallId)).toEqual(['call-0-0', 'call-0-1', 'call-0-2', 'call-0-3', 'call-0-4']);
  });

  it('keeps the common case one batch: research and every read at once, then the writes', async () => {
    const order: string[] = [];
    const tools = createRegistry([
      createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 20, onRun: (label) => order.push(label) }),
      createFakeTool({ name: 'write', kind: 'write', onRun: (label) => order.push(label) }),
      createFakeTool({ name: 'research', kind: 'research', onRun: (label) => order.push(label) }),
    ]);
    const model = createScriptedModel([
      {
        calls: [
          { toolName: 'read', input: { label: 'r1' } },
          { toolName: 'research', input: { label: 'q1' } },
          { toolName: 'read', input: { label: 'r2' } },
          { toolName: 'write', input: { label: 'w1' } },
          { toolName: 'write', input: { label: 'w2' } },
        ],
      },
      { text: 'done' },
    ]);
    const nodes = await run({ model, tools });
    // The reads and the research start as the response names them, before it ends; the writes wait for it.
    expect(phasesOf(nodes).map((phase) => [phase.phase, phase.calls.length])).toEqual([['read-only', 2], ['research', 1], ['write', 2]]);
    expect(order.slice(0, 3).sort()).toEqual(['q1', 'r1', 'r2']);
    expect(order.slice(3)).toEqual(['w1', 'w2']);
  });

  it('a read_file placed after a write_file of the same file sees what was written', async () => {
    const cwd = await createTempWorkspace({ 'x.txt': 'old\n' });
    const tools = createRegistry([createWriteFileTool({ cwd }), createReadFileTool({ cwd })]);
    const model = createScriptedModel([
      {
        calls: [
          { toolName: 'write_file', input: { path: 'x.txt', content: 'new\n' } },
          { toolName: 'read_file', input: { path: 'x.txt' } },
        ],
      },
      { text: 'done' },
    ]);
    await run({ model, tools });
    const [, read] = toolResultsSent(model, 1);
    expect(JSON.stringify(read!.output)).toContain('new');
    expect(JSON.stringify(read!.output)).not.toContain('old');
  });

  it('asks before each write, runs nothing denied, and tells the model the feedback', async () => {
    const ran: string[] = [];
    const asked: ApprovalRequest[] = [];
    const tools = createRegistry([createFakeTool({ name: 'write', kind: 'write', onRun: (label) => ran.push(label) })]);
    const model = createScriptedModel([
      { calls: [{ toolName: 'write', input: { label: 'keep' } }, { toolName: 'write', input: { label: 'drop' } }] },
      { text: 'ok' },
    ]);
    const requestApproval: RequestApproval = async (request) => {
      asked.push(request);
      return (request.input as { label: string }).label === 'drop'
        ? { type: 'deny', feedback: 'not that one' }
        : { type: 'allow' };
    };
    const nodes = await run({ model, tools, requestApproval });

    expect(ran).toEqual(['keep']);
    expect(asked.map((request) => request.preview)).toEqual([
      { type: 'command', command: 'keep', cwd: '/fake', isSandboxed: false },
      { type: 'command', command: 'drop', cwd: '/fake', isSandboxed: false },
    ]);
    expect(ofType(nodes, 'approval-resolve').map((node) => node.decision.type)).toEqual(['allow', 'deny']);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['ok', 'denied']);
    const denied = toolResultsSent(model, 1)[1]!;
    expect(denied.output).toEqual({ type: 'execution-denied', reason: 'The user denied this call and said: not that one' });
  });

  it('answers invalid calls with errors and goes on', async () => {
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only' })]);
    const model = createScriptedModel([
      {
        calls: [
          { toolName: 'nope', input: {}, id: 'unknown' },
          { toolName: 'read', input: { wrong: 1 }, id: 'mismatch' },
          { toolName: 'read', input: { label: 'fine' }, id: 'valid' },
        ],
        rawCalls: [{ toolName: 'read', rawInput: '{"label": ', id: 'broken' }],
      },
      { text: 'recovered' },
    ]);
    const nodes = await run({ model, tools });

    expect(ofType(nodes, 'tool-call-invalid').map((node) => node.toolCallId).sort()).toEqual(['broken', 'mismatch', 'unknown']);
    const results = toolResultsSent(model, 1);
    expect(results.map((part) => part.toolCallId).sort()).toEqual(['broken', 'mismatch', 'unknown', 'valid']);
    expect(results.find((part) => part.toolCallId === 'valid')!.output).toEqual({ type: 'text', value: 'read ran fine' });
    for (const id of ['broken', 'mismatch', 'unknown']) {
      expect(results.find((part) => part.toolCallId === id)!.output.type).toBe('error-text');
    }
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'recovered' }]);
  });

  it('reports a failing tool as an error without stopping its batch', async () => {
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', fail: ['bad'] })]);
    const model = createScriptedModel([
      { calls: [{ toolName: 'read', input: { label: 'bad' } }, { toolName: 'read', input: { label: 'good' } }] },
      { text: 'done' },
    ]);
    const nodes = await run({ model, tools });
    expect(ofType(nodes, 'tool-call-end').map((node) => [node.status, node.output])).toEqual([
      ['error', 'bad failed on purpose'],
      ['ok', 'read ran good'],
    ]);
  });

  it('gives every call a result when aborted mid-batch', async () => {
    const controller = new AbortController();
    const tools = createRegistry([
      createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 60_000 }),
      createFakeTool({ name: 'write', kind: 'write' }),
    ]);
    const model = createScriptedModel([
      {
        calls: [
          { toolName: 'read', input: { label: 'a' } },
          { toolName: 'read', input: { label: 'b' } },
          { toolName: 'write', input: { label: 'never' } },
        ],
      },
    ]);
    const nodes: Awaited<ReturnType<typeof run>> = [];
    const started = performance.now();
    for await (const node of runAgent({
      model,
      tools,
      instructions: 'test',
      messages: [{ role: 'user', content: 'go' }],
      signal: controller.signal,
      requestApproval: allowAll,
    })) {
      nodes.push(node);
      // The reads started as the response streamed; the interrupt comes once it has ended.
      if (node.type === 'step-end') controller.abort();
    }

    expect(performance.now() - started).toBeLessThan(10_000);
    expect(ofType(nodes, 'tool-call-end').map((node) => [node.toolCallId, node.status])).toEqual([
      ['call-0-0', 'cancelled'],
      ['call-0-1', 'cancelled'],
      ['call-0-2', 'cancelled'],
    ]);
    const history = ofType(nodes, 'history-append').flatMap((node) => node.messages);
    const tool = history.find((message) => message.role === 'tool');
    expect(tool && tool.role === 'tool' ? tool.content.map((part) => part.type === 'tool-result' && part.toolCallId) : []).toEqual([
      'call-0-0',
      'call-0-1',
      'call-0-2',
    ]);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'aborted' }]);
  });

  it('stops at the step limit', async () => {
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only' })]);
    const model = createScriptedModel((_options, index) => ({ calls: [{ toolName: 'read', input: { label: `page ${index}` } }] }));
    const nodes = await run({ model, tools, maxSteps: 3 });
    expect(ofType(nodes, 'step-start')).toHaveLength(3);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'step-limit', steps: 3 }]);
  });

  it('ends with an error node, not a throw, when the model fails', async () => {
    const model = createScriptedModel(() => {
      throw new Error('server exploded');
    });
    const nodes = await run({ model, tools: createRegistry([]), maxRetries: 0 });
    const [end] = ofType(nodes, 'run-end');
    expect(end).toMatchObject({ reason: 'error' });
    expect(end!.error).toContain('server exploded');
  });

  it('stamps every node with the agent id and emits paired starts and ends', async () => {
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 100 })]);
    const model = createScriptedModel([{ text: 'looking', calls: [{ toolName: 'read', input: { label: 'x' } }] }, { text: 'done' }]);
    const nodes = await run({ model, tools });
    expect(nodes.every((node) => node.agentId === 'main' && node.parentToolCallId === undefined)).toBe(true);
    // The read starts the moment its call arrives, before the response ends.
    expect(nodes.map((node) => node.type)).toEqual([
      'run-start',
      'step-start',
      'text-delta',
      'phase-start',
      'tool-call-start',
      'step-end',
      'tool-call-end',
      'phase-end',
      'history-append',
      'step-start',
      'text-delta',
      'step-end',
      'history-append',
      'run-end',
    ]);
  });
});

describe('approval decisions', () => {
  it('passes allow-session through as an allow', async () => {
    const ran: string[] = [];
    const tools = createRegistry([createFakeTool({ name: 'write', kind: 'write', onRun: (label) => ran.push(label) })]);
    const model = createScriptedModel([{ calls: [{ toolName: 'write', input: { label: 'x' } }] }, { text: 'ok' }]);
    const decision: ApprovalDecision = { type: 'allow-session' };
    await run({ model, tools, requestApproval: async () => decision });
    expect(ran).toEqual(['x']);
  });
});

describe('guards', () => {
  it('stops a model that makes the same call three responses in a row, without running the third', async () => {
    const ran: string[] = [];
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', onRun: (label) => ran.push(label) })]);
    const model = createScriptedModel(() => ({ calls: [{ toolName: 'read', input: { label: 'same' } }] }));
    const nodes = await run({ model, tools, maxSteps: 10 });
    expect(ran).toEqual(['same', 'same']);
    const [end] = ofType(nodes, 'run-end');
    expect(end).toMatchObject({ reason: 'repeated-call', steps: 3 });
    expect(end!.error).toContain('same call 3 times in a row');
    const history = ofType(nodes, 'history-append').flatMap((node) => node.messages);
    const results = history.flatMap((message) => (message.role === 'tool' ? message.content : []));
    expect(results).toHaveLength(3);
    expect(results[2]).toMatchObject({ output: { type: 'error-text', value: expect.stringContaining('Not run') } });
  });

  it('retries a failed model call, saying when, and goes on', async () => {
    let calls = 0;
    const tools = createRegistry([]);
    const failing = createScriptedModel(() => {
      calls += 1;
      if (calls < 3) throw new APICallError({ message: 'overloaded', url: 'http://x/v1/chat/completions', requestBodyValues: {}, statusCode: 503, isRetryable: true });
      return { text: 'third time lucky' };
    });
    const nodes = await run({ model: failing, tools, retryPolicy: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 1000 } });
    expect(ofType(nodes, 'step-retry').map((node) => [node.attempt, node.maxRetries, node.delayMs])).toEqual([
      [1, 3, 5],
      [2, 3, 10],
    ]);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'third time lucky' }]);
  });
});
