import { modelMessageSchema, type ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/loop';
import { createModel } from '../../src/models/model';
import { createReadOnlyTools } from '../../src/tools';
import { createRegistry } from '../../src/tools/registry';
import { collect, ofType } from '../helpers/collect';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

/** Every tool call in the history is answered exactly once, and the SDK accepts every message. */
function expectValidHistory(history: readonly ModelMessage[]) {
  for (const message of history) expect(modelMessageSchema.safeParse(message).success).toBe(true);
  const calls = history.flatMap((message) =>
    message.role === 'assistant' && Array.isArray(message.content) ? message.content.filter((part) => part.type === 'tool-call').map((part) => part.toolCallId) : [],
  );
  const results = history.flatMap((message) => (message.role === 'tool' ? message.content.map((part) => part.type === 'tool-result' && part.toolCallId) : []));
  expect(results.sort()).toEqual(calls.sort());
}

describe.each(['openai', 'openai-compatible'] as const)('a session through network faults (%s provider)', (provider) => {
  it('survives 429, then 500, then a stream cut mid-tool-call, retried as one, with a valid history', async () => {
    const cwd = await createTempWorkspace({ 'notes.txt': 'remember the milk\n' });
    const server = await startOpenAIServer([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 500 },
      { text: 'Reading it.', toolCalls: [{ id: 'call_cut', name: 'read_file', arguments: '{"path":"notes.txt"}' }], cutOff: true },
      { text: 'Reading again.', toolCalls: [{ id: 'call_ok', name: 'read_file', arguments: '{"path":"notes.txt"}' }] },
      { text: 'It says to remember the milk.' },
    ]);
    const { model, providerOptions } = await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k', provider });
    const tools = createRegistry(createReadOnlyTools({ cwd }));
    const history: ModelMessage[] = [{ role: 'user', content: 'what do my notes say?' }];
    const nodes = await collect(
      runAgent({
        model,
        providerOptions,
        instructions: 'test',
        messages: history,
        tools,
        signal: new AbortController().signal,
        requestApproval: async () => ({ type: 'allow' }),
        retryPolicy: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 1000 },
      }),
    );
    for (const node of ofType(nodes, 'history-append')) history.push(...node.messages);

    expect(ofType(nodes, 'step-retry').map((node) => node.reason)).toEqual([
      expect.stringContaining('429'),
      expect.stringContaining('500'),
      expect.stringContaining('closed before the response finished'),
    ]);
    // What the cut response showed was taken back before the retry.
    expect(ofType(nodes, 'response-discard')).toHaveLength(1);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'It says to remember the milk.' }]);
    // The read ran once, for the response that stands; the cut one's call never reached the history.
    expect(ofType(nodes, 'tool-call-end').filter((node) => node.status === 'ok').map((node) => node.toolCallId)).toEqual(['call_ok']);
    expect(JSON.stringify(history)).not.toContain('call_cut');
    expect(JSON.stringify(history)).not.toContain('Reading it.');
    expectValidHistory(history);
    expect(server.requests).toHaveLength(5);
  });

  it('retries a connection reset mid-response, and keeps a response whose finish arrived before the reset', async () => {
    const cwd = await createTempWorkspace({ 'notes.txt': 'remember the milk\n' });
    const server = await startOpenAIServer([
      { toolCalls: [{ id: 'call_reset', name: 'read_file', arguments: '{"path":"notes.txt"}' }], cutOff: true, isReset: true },
      { toolCalls: [{ id: 'call_kept', name: 'read_file', arguments: '{"path":"notes.txt"}' }], loseAfterFinish: true },
      { text: 'It says to remember the milk.', loseAfterFinish: true },
    ]);
    const { model, providerOptions } = await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k', provider });
    const nodes = await collect(
      runAgent({
        model,
        providerOptions,
        instructions: 'test',
        messages: [{ role: 'user', content: 'what do my notes say?' }],
        tools: createRegistry(createReadOnlyTools({ cwd })),
        signal: new AbortController().signal,
        requestApproval: async () => ({ type: 'allow' }),
        retryPolicy: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 1000 },
      }),
    );
    expect(ofType(nodes, 'step-retry')).toHaveLength(1);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'It says to remember the milk.' }]);
    const history = ofType(nodes, 'history-append').flatMap((node) => node.messages);
    expect(JSON.stringify(history)).toContain('call_kept');
    expect(JSON.stringify(history)).not.toContain('call_reset');
    expectValidHistory(history);
    expect(server.requests).toHaveLength(3);
  });
});
