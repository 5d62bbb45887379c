import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { requestRulesFor, rewriteChatRequest } from '../../src/models/chat-request';
import { portableToolCallId } from '../../src/models/tool-call-ids';
import { createModel } from '../../src/models/model';
import { createRegistry } from '../../src/tools/registry';
import { ofType } from '../helpers/collect';
import { createFakeTool } from '../helpers/fake-tools';
import { startOpenAIServer, type ServerReply } from '../helpers/openai-server';
import { runTurn } from '../helpers/run-turn';

type WireMessage = { role: string; content: string | null; tool_calls?: { id: string }[]; tool_call_id?: string; reasoning_content?: string };

/** A session from other servers: an OpenAI id and a vLLM id, each answered. */
const foreignHistory: ModelMessage[] = [
  { role: 'user', content: 'read alpha and beta' },
  {
    role: 'assistant',
    content: [
      { type: 'tool-call', toolCallId: 'call_abc123def456ghi789', toolName: 'read', input: { label: 'alpha' } },
      { type: 'tool-call', toolCallId: 'chatcmpl-tool-9f8e7d6c5b4a', toolName: 'read', input: { label: 'beta' } },
    ],
  },
  {
    role: 'tool',
    content: [
      { type: 'tool-result', toolCallId: 'call_abc123def456ghi789', toolName: 'read', output: { type: 'text', value: 'read ran alpha' } },
      { type: 'tool-result', toolCallId: 'chatcmpl-tool-9f8e7d6c5b4a', toolName: 'read', output: { type: 'text', value: 'read ran beta' } },
    ],
  },
  { role: 'assistant', content: 'Both read.' },
  { role: 'user', content: 'now gamma' },
];

async function continueOn(options: { model: string; replies: (body: Record<string, any>, index: number) => ServerReply }) {
  const server = await startOpenAIServer(options.replies);
  const { model, providerOptions } = await createModel({ model: options.model, baseUrl: server.baseUrl, apiKey: 'k' });
  const nodes = await runTurn({
    model,
    providerOptions,
    messages: foreignHistory,
    tools: createRegistry([createFakeTool({ name: 'read', kind: 'read-only' })]),
    maxRetries: 0,
  });
  return { server, nodes };
}

/** Each tool result's content, keyed by the id of the call it answers, checking every call is answered. */
function pairedResults(messages: WireMessage[]): Record<string, string> {
  const callIds = messages.flatMap((message) => message.tool_calls?.map((call) => call.id) ?? []);
  const results = Object.fromEntries(messages.filter((message) => message.role === 'tool').map((message) => [message.tool_call_id!, message.content as string]));
  expect(Object.keys(results).sort()).toEqual([...callIds].sort());
  return results;
}

describe('history any server accepts', () => {
  it("continues a foreign session on a server enforcing Mistral's 9-character ids, results still paired", async () => {
    // Mistral's refusal, as quoted in langchain-ai/langchain#24668.
    const refuse = (id: string): ServerReply => ({
      raw: {
        status: 400,
        body: JSON.stringify({ object: 'error', message: `Tool call id was ${id} but must be a-z, A-Z, 0-9, with a length of 9.`, type: 'invalid_request_error', param: null, code: null }),
      },
    });
    const { server, nodes } = await continueOn({
      model: 'mistral-large-latest',
      replies: (body, index) => {
        for (const message of body.messages as WireMessage[]) {
          for (const id of [...(message.tool_calls?.map((call) => call.id) ?? []), ...(message.tool_call_id ? [message.tool_call_id] : [])]) {
            if (!/^[a-zA-Z0-9]{9}$/.test(id)) return refuse(id);
          }
        }
        return index === 0 ? { toolCalls: [{ id: 'aB3dE5gH7', name: 'read', arguments: '{"label":"gamma"}' }] } : { text: 'Gamma read too.' };
      },
    });

    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Gamma read too.' }]);
    const results = pairedResults(server.requests[1]!.messages);
    expect(results).toEqual({
      [portableToolCallId('call_abc123def456ghi789')]: 'read ran alpha',
      [portableToolCallId('chatcmpl-tool-9f8e7d6c5b4a')]: 'read ran beta',
      aB3dE5gH7: 'read ran gamma',
    });
    // shoal's own history keeps the original ids; only the wire form changes.
    const appended = ofType(nodes, 'history-append').flatMap((node) => node.messages);
    expect(JSON.stringify(appended)).toContain('aB3dE5gH7');
  });

  it("sends DeepSeek's reasoning back with tool calls, and an empty one for history from other servers", async () => {
    // DeepSeek's refusal, as quoted in continuedev/continue#10193 (api-docs.deepseek.com/guides/thinking_mode#tool-calls).
    const { server, nodes } = await continueOn({
      model: 'deepseek-reasoner',
      replies: (body, index) => {
        const messages = body.messages as WireMessage[];
        const missing = messages.findIndex((message) => message.role === 'assistant' && message.tool_calls?.length && typeof message.reasoning_content !== 'string');
        if (missing >= 0) {
          return {
            raw: {
              status: 400,
              body: JSON.stringify({
                error: {
                  message: `Missing \`reasoning_content\` field in the assistant message at message index ${missing}. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls`,
                  type: 'invalid_request_error',
                  param: null,
                  code: 'invalid_request_error',
                },
              }),
            },
          };
        }
        return index === 0
          ? { reasoning: 'Gamma is next.', toolCalls: [{ id: 'call_00_gamma', name: 'read', arguments: '{"label":"gamma"}' }] }
          : { text: 'Gamma read too.' };
      },
    });

    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Gamma read too.' }]);
    const assistants = (server.requests[1]!.messages as WireMessage[]).filter((message) => message.tool_calls?.length);
    expect(assistants.map((message) => message.reasoning_content)).toEqual(['', 'Gamma is next.']);
  });

  it('strips reasoning_content for Groq and Cerebras, which refuse the field, and leaves ids to the model', () => {
    const body = {
      model: 'm',
      messages: [{ role: 'assistant', content: null, reasoning_content: 'thought', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{}' } }] }],
    };
    for (const baseUrl of ['https://api.groq.com/openai/v1', 'https://api.cerebras.ai/v1']) {
      const rewritten = rewriteChatRequest(body, requestRulesFor({ baseUrl, modelId: 'qwen/qwen3-32b' }));
      expect((rewritten.messages as WireMessage[])[0]).not.toHaveProperty('reasoning_content');
      expect((rewritten.messages as WireMessage[])[0]!.tool_calls![0]!.id).toBe('call_1');
    }
    expect(requestRulesFor({ modelId: 'gpt-5.4' })).toEqual({ reasoningContent: 'keep' });
    expect(portableToolCallId('aB3dE5gH7')).toBe('aB3dE5gH7');
  });
});

describe('a stalled stream', () => {
  async function runWithStall(replies: ServerReply[]) {
    const server = await startOpenAIServer(replies);
    const { model } = await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k', stallTimeoutMs: 200 });
    const started = performance.now();
    const nodes = await runTurn({ model, retryPolicy: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 1000 } });
    return { nodes, elapsedMs: performance.now() - started };
  }

  it('is cut after the stall timeout and retried, counting as a retry', async () => {
    const { nodes, elapsedMs } = await runWithStall([{ hang: true }, { text: 'Back again.' }]);
    expect(ofType(nodes, 'step-retry')).toMatchObject([{ attempt: 1, reason: expect.stringContaining('sent nothing for 200ms') }]);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Back again.' }]);
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('is retried once text had streamed, the half answer taken back first', async () => {
    const { nodes } = await runWithStall([{ text: 'Half an answer', hang: true }, { text: 'The whole answer.' }]);
    const types = nodes.map((node) => node.type);
    expect(types.indexOf('response-discard')).toBeLessThan(types.indexOf('step-retry'));
    expect(ofType(nodes, 'response-discard')).toMatchObject([{ step: 1, reason: expect.stringContaining('sent nothing for 200ms') }]);
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'The whole answer.' }]);
    const history = ofType(nodes, 'history-append').flatMap((node) => node.messages);
    expect(JSON.stringify(history)).not.toContain('Half an answer');
  });

  it('is reported with what arrived once the retries are spent', async () => {
    const { nodes } = await runWithStall([
      { text: 'Half an answer', hang: true },
      { text: 'Half again', hang: true },
      { text: 'Half once more', hang: true },
    ]);
    expect(ofType(nodes, 'step-retry')).toHaveLength(2);
    expect(ofType(nodes, 'response-discard')).toHaveLength(2);
    const [end] = ofType(nodes, 'run-end');
    expect(end).toMatchObject({ reason: 'error', text: 'Half once more' });
    expect(end!.error).toContain('sent nothing for 200ms');
  });
});
