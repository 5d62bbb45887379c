import type { ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent, type RunAgentOptions } from '../../../src/agent/loop';
import { createModel } from '../../../src/models/model';
import { createRegistry } from '../../../src/tools/registry';
import type { ToolRegistry } from '../../../src/tools/registry';
import { collect, ofType, phasesOf } from '../../helpers/collect';
import { createFakeResearchTool, createFakeTool, withInFlightCount, type Interval } from '../../helpers/fake-tools';
import { startOpenAIServer, type OpenAIServer, type ServerReply } from '../../helpers/openai-server';
import { startResponsesServer } from '../../helpers/responses-server';
import { createScriptedModel } from '../../helpers/scripted-model';

const servers: OpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const read = (id: string, label: string) => ({ id, name: 'read', arguments: JSON.stringify({ label }) });

async function runOver(
  provider: 'openai' | 'openai-compatible',
  replies: ServerReply[],
  tools: ToolRegistry,
  overrides: Partial<RunAgentOptions> = {},
) {
  const server = await startOpenAIServer(replies);
  servers.push(server);
  const { model } = await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k', provider });
  return { server, ...(await runWith(model, tools, overrides)) };
}

/** One turn of the real loop with `model` and `tools`, every call allowed, quick retries. */
async function runWith(model: RunAgentOptions['model'], tools: ToolRegistry, overrides: Partial<RunAgentOptions> = {}) {
  const nodes = await collect(
    runAgent({
      model,
      instructions: 'test',
      messages: [{ role: 'user', content: 'go' }],
      tools,
      signal: new AbortController().signal,
      requestApproval: async () => ({ type: 'allow' }),
      retryPolicy: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 100 },
      ...overrides,
    }),
  );
  return { nodes, history: ofType(nodes, 'history-append').flatMap((node) => node.messages) };
}

/** Every call in the history answered exactly once, after it. */
function expectEachCallAnsweredOnce(history: readonly ModelMessage[]) {
  const calls = history.flatMap((message) =>
    message.role === 'assistant' && Array.isArray(message.content) ? message.content.filter((part) => part.type === 'tool-call').map((part) => part.toolCallId) : [],
  );
  const results = history.flatMap((message) => (message.role === 'tool' ? message.content.map((part) => part.type === 'tool-result' && part.toolCallId) : []));
  expect(results.sort()).toEqual(calls.sort());
  expect(new Set(calls).size).toBe(calls.length);
}

describe.each(['openai-compatible', 'openai'] as const)('calls started while the response streams (%s, Chat Completions over HTTP)', (provider) => {
  it('starts each read as its arguments complete, so the next request leaves soon after the stream ends', async () => {
    const log: Interval[] = [];
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 300, log })]);
    const { server, nodes, history } = await runOver(
      provider,
      [{ toolCalls: [read('call_a', 'a'), read('call_b', 'b')], pace: { gapMs: 250, trailingMs: 1_200 } }, { text: 'Both read.' }],
      tools,
    );
    const streamEnd = server.responseEndTimes[0]!;
    // Both reads ran while the model still wrote: the first 250 ms before the second call arrived.
    expect(log.map((entry) => entry.toolCallId).sort()).toEqual(['call_a', 'call_b']);
    for (const entry of log) expect(entry.start).toBeLessThan(streamEnd);
    const [first, second] = [...log].sort((a, b) => a.start - b.start);
    expect(second!.start - first!.start).toBeGreaterThan(150);
    // Both were done while the model still wrote: nothing was left to wait for at the last byte.
    for (const entry of log) expect(entry.end).toBeLessThan(streamEnd);
    expect(server.requestTimes[1]!).toBeGreaterThan(streamEnd);
    expect(phasesOf(nodes).map((phase) => [phase.phase, phase.calls.map((call) => call.toolCallId)])).toEqual([['read-only', ['call_a', 'call_b']]]);
    const [stepEnd] = ofType(nodes, 'step-end');
    expect(stepEnd!.overlapMs).toBeGreaterThan(250);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Both read.' }]);
    expectEachCallAnsweredOnce(history);
    // Answered under the server's own ids.
    const results = server.requests[1]!.messages.filter((message: { role: string }) => message.role === 'tool');
    expect(results.map((message: { tool_call_id: string }) => message.tool_call_id)).toEqual(['call_a', 'call_b']);
  });

  it('starts nothing placed after a write before the response is whole; a read before it does start', async () => {
    const log: Interval[] = [];
    const approvals: number[] = [];
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 50, log }), createFakeTool({ name: 'write', kind: 'write', log })]);
    const { server, nodes } = await runOver(
      provider,
      [
        {
          toolCalls: [read('call_r1', 'r1'), { id: 'call_w', name: 'write', arguments: '{"label":"w"}' }, read('call_r2', 'r2')],
          pace: { gapMs: 150, trailingMs: 150 },
        },
        { text: 'done' },
      ],
      tools,
      {
        requestApproval: async () => {
          approvals.push(performance.now());
          return { type: 'allow' };
        },
      },
    );
    const streamEnd = server.responseEndTimes[0]!;
    const startOf = (id: string) => log.find((entry) => entry.toolCallId === id)!.start;
    expect(startOf('call_r1')).toBeLessThan(streamEnd);
    // The write is asked about, and runs, only once the response is whole; the read after it runs after it.
    expect(approvals[0]!).toBeGreaterThanOrEqual(streamEnd);
    expect(startOf('call_r2')).toBeGreaterThan(log.find((entry) => entry.toolCallId === 'call_w')!.end);
    expect(phasesOf(nodes).map((phase) => phase.phase)).toEqual(['read-only', 'write', 'read-only']);
  });

  it('cancels what a response cut mid-stream started, retries it, and answers only the response that stands', async () => {
    const { nodes, history, server } = await runOver(
      provider,
      [
        { toolCalls: [read('call_cut', 'a'), read('call_never', 'b')], pace: { gapMs: 150, cutAfterCalls: 1 } },
        { toolCalls: [read('call_a', 'a')] },
        { text: 'Read.' },
      ],
      createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 400 })]),
    );
    expect(server.requests).toHaveLength(3);
    // The cut response's read had started; it was cancelled, and its result reached nobody.
    expect(ofType(nodes, 'tool-call-start').map((node) => node.toolCallId)).toEqual(['call_cut', 'call_a']);
    expect(ofType(nodes, 'tool-call-end').map((node) => [node.toolCallId, node.status])).toEqual([
      ['call_cut', 'cancelled'],
      ['call_a', 'ok'],
    ]);
    // Taken back once the cancelled call had ended, before the retry's calls began.
    const discard = nodes.findIndex((node) => node.type === 'response-discard');
    expect(discard).toBeGreaterThan(nodes.findIndex((node) => node.type === 'tool-call-end' && node.toolCallId === 'call_cut'));
    expect(discard).toBeLessThan(nodes.findIndex((node) => node.type === 'tool-call-start' && node.toolCallId === 'call_a'));
    expect(ofType(nodes, 'response-discard')).toMatchObject([{ step: 1, reason: expect.stringContaining('closed before the response finished') }]);
    expect(ofType(nodes, 'step-retry')).toHaveLength(1);
    expect(JSON.stringify(history)).not.toContain('call_cut');
    expectEachCallAnsweredOnce(history);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Read.' }]);
  });

  it('keeps the concurrency cap with calls started early', async () => {
    const { tool, most } = withInFlightCount(createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 120 }));
    const calls = Array.from({ length: 6 }, (_, index) => read(`call_${index}`, `f${index}`));
    const { nodes } = await runOver(provider, [{ toolCalls: calls, pace: { gapMs: 10 } }, { text: 'done' }], createRegistry([tool]), { concurrency: 2 });
    expect(most()).toBe(2);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(Array(6).fill('ok'));
  });
});

describe('calls started while the response streams (Responses API over HTTP)', () => {
  it('starts a call at its output_item.done, while later items still stream, and answers it under its call_id', async () => {
    const log: Interval[] = [];
    const server = await startResponsesServer([
      {
        reasoning: { summary: ['Two reads.'], encryptedContent: 'gAAAAenc' },
        toolCalls: [
          { callId: 'call_r1', name: 'read', arguments: '{"label":"one"}' },
          { callId: 'call_r2', name: 'read', arguments: '{"label":"two"}' },
        ],
        text: 'Reading both.',
        pace: { gapMs: 250 },
      },
      { text: 'Both read.' },
    ]);
    const { model } = await createModel({ model: 'gpt-5.4', baseUrl: server.baseUrl, apiKey: 'k', api: 'responses' });
    const { nodes } = await runWith(model, createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 200, log })]));
    await server.close();
    expect(server.paths.every((path) => path.endsWith('/responses'))).toBe(true);
    // The first read began and ended before the response's last items arrived (two more gaps of 250 ms).
    const main = nodes.filter((node) => node.agentId === 'main');
    const stepEnd = main.find((node) => node.type === 'step-end')!;
    const firstEnd = main.find((node) => node.type === 'tool-call-end' && node.toolCallId === 'call_r1')!;
    expect(firstEnd.time).toBeLessThan(stepEnd.time);
    expect(log).toHaveLength(2);
    const outputs = (server.requests[1]!.input as { type: string; call_id?: string }[]).filter((item) => item.type === 'function_call_output');
    expect(outputs.map((item) => item.call_id)).toEqual(['call_r1', 'call_r2']);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Both read.' }]);
  });

  it('cancels a call started early when the response is cut before response.completed, and retries', async () => {
    const server = await startResponsesServer([
      { toolCalls: [{ callId: 'call_cut', name: 'read', arguments: '{"label":"one"}' }], text: 'never', pace: { gapMs: 100, cutAfterItems: 1 } },
      { toolCalls: [{ callId: 'call_ok', name: 'read', arguments: '{"label":"one"}' }] },
      { text: 'Done.' },
    ]);
    const { model } = await createModel({ model: 'gpt-5.4', baseUrl: server.baseUrl, apiKey: 'k', api: 'responses' });
    const { nodes, history } = await runWith(model, createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 1_000 })]));
    await server.close();
    expect(ofType(nodes, 'tool-call-end').map((node) => [node.toolCallId, node.status])).toEqual([
      ['call_cut', 'cancelled'],
      ['call_ok', 'ok'],
    ]);
    expect(ofType(nodes, 'response-discard')).toHaveLength(1);
    expect(JSON.stringify(history)).not.toContain('call_cut');
    expectEachCallAnsweredOnce(history);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Done.' }]);
  });
});

describe('a model client notice', () => {
  it('reaches the step as a notice when a server refuses the ids and the step is retried with mapped ones', async () => {
    const server = await startOpenAIServer((body, index): ServerReply => {
      const ids = JSON.stringify(body.messages).match(/call_[0-9a-f]{8}/g) ?? [];
      if (ids.length > 0) return { raw: { status: 400, body: JSON.stringify({ object: 'error', message: `Tool call id was ${ids[0]} but must be a-z, A-Z, 0-9, with a length of 9.`, type: 'invalid_request_error', param: null, code: '3280' }) } };
      return index === 0 ? { toolCalls: [{ id: 'call_49c89af0', name: 'read', arguments: '{"label":"a"}' }] } : { text: 'Read it.' };
    });
    servers.push(server);
    const { model } = await createModel({ model: 'local-model', baseUrl: server.baseUrl, apiKey: 'k' });
    const { nodes } = await runWith(model, createRegistry([createFakeTool({ name: 'read', kind: 'read-only' })]));
    expect(ofType(nodes, 'step-notice')).toMatchObject([{ step: 2, text: expect.stringContaining('refused the tool-call ids') }]);
    expect(ofType(nodes, 'step-notice')[0]!.text).not.toMatch(/^shoal: /);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Read it.' }]);
  });
});

describe('calls started early, with a scripted model', () => {
  it('starts research agents as their calls arrive, beside the reads', async () => {
    const log: Interval[] = [];
    const model = createScriptedModel([
      {
        calls: [
          { toolName: 'research_codebase', input: { question: 'q1' }, id: 'call_q1' },
          { toolName: 'read', input: { label: 'r1' }, id: 'call_r1' },
        ],
      },
      { text: 'done' },
    ]);
    const tools = createRegistry([createFakeResearchTool(100), createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 100, log })]);
    const nodes = await collect(
      runAgent({ model, tools, instructions: 'test', messages: [{ role: 'user', content: 'go' }], signal: new AbortController().signal, requestApproval: async () => ({ type: 'allow' }) }),
    );
    const main = nodes.filter((node) => node.agentId === 'main');
    const types = main.map((node) => node.type);
    // Both started before the response's step ended, the research first, in the model's order.
    expect(types.indexOf('tool-call-start')).toBeLessThan(types.indexOf('step-end'));
    expect(phasesOf(main).map((phase) => [phase.phase, phase.calls.map((call) => call.toolCallId)])).toEqual([
      ['research', ['call_q1']],
      ['read-only', ['call_r1']],
    ]);
    expect(ofType(main, 'tool-call-end').map((node) => node.status)).toEqual(['ok', 'ok']);
    expect(ofType(nodes, 'run-end').filter((node) => node.agentId !== 'main')).toMatchObject([{ reason: 'done' }]);
  });

  it('never starts early a call the repeat guard may stop', async () => {
    const ran: string[] = [];
    const model = createScriptedModel(() => ({ calls: [{ toolName: 'read', input: { label: 'same' } }] }));
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', onRun: (label) => ran.push(label) })]);
    const nodes = await collect(
      runAgent({ model, tools, instructions: 'test', messages: [{ role: 'user', content: 'go' }], signal: new AbortController().signal, requestApproval: async () => ({ type: 'allow' }) }),
    );
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'repeated-call' }]);
    // Two ran; the third, repeated, was refused before it could run.
    expect(ran).toEqual(['same', 'same']);
    expect(ofType(nodes, 'tool-call-invalid')).toHaveLength(1);
  });

  it('cancels calls started early when the user interrupts mid-stream, and none reaches the history', async () => {
    const controller = new AbortController();
    const model = createScriptedModel([{ text: 'a long answer that keeps going', calls: [{ toolName: 'read', input: { label: 'a' } }], reasoning: 'think', reasoningPauseMs: 0 }]);
    const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 5_000 })]);
    const nodes = [];
    for await (const node of runAgent({ model, tools, instructions: 'test', messages: [{ role: 'user', content: 'go' }], signal: controller.signal, requestApproval: async () => ({ type: 'allow' }) })) {
      nodes.push(node);
      if (node.type === 'tool-call-start') controller.abort();
    }
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['cancelled']);
    expect(ofType(nodes, 'phase-end')).toHaveLength(1);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'aborted' }]);
    expect(nodes.at(-1)!.type).toBe('run-end');
  });
});
