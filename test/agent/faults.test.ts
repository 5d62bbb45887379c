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
  it('survives 429, then 500, then a stream cut mid-tool-call, then works, with a valid history', async () => {
    const cwd = await createTempWorkspace({ 'notes.txt': 'remember the milk\n' });
    const server = await startOpenAIServer([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 500 },
      { text: 'Reading it.', toolCalls: [{ id: 'call_cut', name: 'read_file', arguments: '{"path":"notes.txt"}' }], cutOff: true },
      { toolCalls: [{ id: 'call_ok', name: 'read_file', arguments: '{"path":"notes.txt"}' }] },
      { text: 'It says to remember the milk.' },
    ]);
    const { model, providerOptions } = await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k', provider });
    const tools = createRegistry(createReadOnlyTools({ cwd }));
    const history: ModelMessage[] = [];
    const turn = async (prompt: string) => {
      history.push({ role: 'user', content: prompt });
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
      return nodes;
    };

    const first = await turn('what do my notes say?');
    expect(ofType(first, 'step-retry').map((node) => node.reason)).toEqual([
      expect.stringContaining('429'),
      expect.stringContaining('500'),
    ]);
    const [cutEnd] = ofType(first, 'run-end');
    expect(cutEnd).toMatchObject({ reason: 'error' });
    expect(cutEnd!.error).toContain('cut off mid-stream');
    // The cut call was answered with an error and never ran.
    expect(ofType(first, 'tool-call-start')).toHaveLength(0);
    expectValidHistory(history);

    const second = await turn('try again');
    expect(ofType(second, 'run-end')).toMatchObject([{ reason: 'done', text: 'It says to remember the milk.' }]);
    expectValidHistory(history);
    const lastRequest = server.requests.at(-1)!.messages as { role: string; content: string }[];
    expect(lastRequest.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['what do my notes say?', 'try again']);
  });
});
