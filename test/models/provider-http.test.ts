import { describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/loop';
import { createModel } from '../../src/models/model';
import { createRegistry } from '../../src/tools/registry';
import { collect, ofType, phasesOf } from '../helpers/collect';
import { createFakeTool, type Interval } from '../helpers/fake-tools';
import { startOpenAIServer } from '../helpers/openai-server';
import { runTurn } from '../helpers/run-turn';

const threeReads = [
  { id: 'call_a', name: 'read', arguments: '{"label":"alpha"}' },
  { id: 'call_b', name: 'read', arguments: '{"label":"beta"}' },
  { id: 'call_c', name: 'read', arguments: '{"label":"gamma"}' },
];

describe.each(['openai', 'openai-compatible'] as const)('the %s provider over HTTP', (provider) => {
  it('streams several tool calls in one response, runs them as one batch and sends every result back', async () => {
    const server = await startOpenAIServer([
      { text: 'Reading three files.', toolCalls: threeReads, interleave: true },
      { text: 'All three read.' },
    ]);
    const log: Interval[] = [];
    const { model, providerOptions } = await createModel({ model: 'test-model', baseUrl: server.baseUrl, apiKey: 'test-key', api: 'chat', provider });
    const nodes = await collect(
      runAgent({
        model,
        providerOptions,
        instructions: 'be brief',
        messages: [{ role: 'user', content: 'read them' }],
        tools: createRegistry([createFakeTool({ name: 'read', kind: 'read-only', latencyMs: 100, log })]),
        signal: new AbortController().signal,
        requestApproval: async () => ({ type: 'allow' }),
        maxRetries: 0,
      }),
    );

    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'All three read.', usage: { inputTokens: 84, outputTokens: 14 } }]);
    expect(phasesOf(nodes)).toMatchObject([{ phase: 'read-only', calls: threeReads.map((call) => ({ toolCallId: call.id })) }]);
    const firstEnd = Math.min(...log.map((entry) => entry.end));
    expect(log.every((entry) => entry.start < firstEnd)).toBe(true);

    const [first, second] = server.requests;
    expect(first).toMatchObject({ model: 'test-model', stream: true, parallel_tool_calls: true });
    expect(first!.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(['read']);
    const toolMessages = second!.messages.filter((message: { role: string }) => message.role === 'tool');
    // The server's own calls go back under the ids it gave them, each answered.
    const sentCalls = second!.messages.find((message: { tool_calls?: unknown[] }) => message.tool_calls).tool_calls.map((call: { id: string }) => call.id);
    const ids = threeReads.map((call) => call.id);
    expect(sentCalls).toEqual(ids);
    expect(toolMessages.map((message: { tool_call_id: string; content: string }) => [message.tool_call_id, message.content])).toEqual([
      [ids[0], 'read ran alpha'],
      [ids[1], 'read ran beta'],
      [ids[2], 'read ran gamma'],
    ]);
  });
});

/** One turn of a tool-less agent against `model`, collected. */
function runOnce(model: Awaited<ReturnType<typeof createModel>>['model'], maxRetries?: number) {
  return runTurn({ model, maxRetries });
}

describe('model errors over HTTP', () => {
  it('names the setting to fix when the server refuses the key', async () => {
    const server = await startOpenAIServer([{ status: 401 }]);
    const { model } = await createModel({ model: 'test-model', baseUrl: server.baseUrl, apiKey: 'bad', provider: 'openai' });
    const [end] = ofType(await runOnce(model, 0), 'run-end');
    expect(end!.reason).toBe('error');
    expect(end!.error).toContain('OPENAI_API_KEY');
  });

  it('names the base URL when nothing listens there, at once and without retrying', async () => {
    const server = await startOpenAIServer([]);
    const baseUrl = server.baseUrl;
    await server.close();
    const { model } = await createModel({ model: 'm', baseUrl, apiKey: 'k' });
    const nodes = await runOnce(model);
    expect(ofType(nodes, 'step-retry')).toEqual([]);
    const [end] = ofType(nodes, 'run-end');
    expect(end!.reason).toBe('error');
    expect(end!.error).toContain(baseUrl);
  });
});

describe('reasoning over HTTP', () => {
  it('streams reasoning_content into reasoning-delta nodes, apart from the answer text', async () => {
    const server = await startOpenAIServer([{ reasoning: 'The user says hi; greet back.', text: 'Hello.' }]);
    const { model, providerOptions } = await createModel({ model: 'deepseek-r1', baseUrl: server.baseUrl, apiKey: 'k' });
    const nodes = await runTurn({ model, providerOptions, maxRetries: 0 });
    expect(ofType(nodes, 'reasoning-delta').map((node) => node.text).join('')).toBe('The user says hi; greet back.');
    expect(ofType(nodes, 'text-delta').map((node) => node.text).join('')).toBe('Hello.');
    expect(ofType(nodes, 'run-end')[0]).toMatchObject({ reason: 'done', text: 'Hello.' });
  });
});
