import { APICallError, jsonSchema, streamText, tool, type ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { ID_RETRY_WARNING } from '../../src/models/history-origin';
import { createModel } from '../../src/models/model';
import { isToolCallIdRefusal, portableToolCallId, requiresPortableIds } from '../../src/models/tool-call-ids';
import { createRegistry } from '../../src/tools/registry';
import { ofType } from '../helpers/collect';
import { createFakeTool } from '../helpers/fake-tools';
import { startOpenAIServer, type ServerReply } from '../helpers/openai-server';
import { runTurn } from '../helpers/run-turn';

type WireMessage = { role: string; tool_calls?: { id: string }[]; tool_call_id?: string };

/** The ids a Chat Completions request sends: its calls' and its results'. */
function sentIds(body: Record<string, any>): { calls: string[]; results: string[] } {
  const messages = body.messages as WireMessage[];
  return {
    calls: messages.flatMap((message) => message.tool_calls?.map((call) => call.id) ?? []),
    results: messages.flatMap((message) => (message.tool_call_id ? [message.tool_call_id] : [])),
  };
}

/** One agent turn on `model` at a loopback server: one step of calls with these ids, then an answer. */
async function turnWithCalls(options: { model: string; ids: string[]; history?: ModelMessage[] }) {
  const server = await startOpenAIServer([
    { toolCalls: options.ids.map((id, index) => ({ id, name: 'read', arguments: `{"label":"file${index}"}` })) },
    { text: 'All read.' },
  ]);
  const { model } = await createModel({ model: options.model, baseUrl: server.baseUrl, apiKey: 'k' });
  const nodes = await runTurn({
    model,
    messages: [...(options.history ?? []), { role: 'user', content: 'read them' }],
    tools: createRegistry([createFakeTool({ name: 'read', kind: 'read-only' })]),
    maxRetries: 0,
  });
  expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'All read.' }]);
  return { server, nodes };
}

describe('tool-call ids on Chat Completions servers', () => {
  it('go back as the server gave them while the session stays on it (Kimi, vLLM)', async () => {
    // Kimi K2 numbers calls as functions.NAME:INDEX; vLLM prefixes chatcmpl-tool-.
    const ids = ['functions.read:0', 'functions.read:1', 'chatcmpl-tool-9f8e7d6c5b4a4c1e'];
    const { server } = await turnWithCalls({ model: 'kimi-k2-instruct', ids });
    expect(sentIds(server.requests[1]!)).toEqual({ calls: ids, results: ids });
  });

  it('are mapped for a Mistral model, its own calls too, results still paired', async () => {
    const ids = ['call_49c89af0', 'call_0fypS1hVX'];
    const { server } = await turnWithCalls({ model: 'devstral-small-2505', ids });
    const mapped = ids.map(portableToolCallId);
    expect(sentIds(server.requests[1]!)).toEqual({ calls: mapped, results: mapped });
  });

  it('are mapped for history from another server, while this server’s own stay as given', async () => {
    const foreign: ModelMessage[] = [
      { role: 'user', content: 'read alpha' },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_abc123def456ghi789', toolName: 'read', input: { label: 'alpha' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_abc123def456ghi789', toolName: 'read', output: { type: 'text', value: 'read ran alpha' } }] },
      { role: 'assistant', content: 'Read.' },
    ];
    const { server } = await turnWithCalls({ model: 'qwen3-coder', ids: ['chatcmpl-tool-0a1b2c3d'], history: foreign });
    const old = portableToolCallId('call_abc123def456ghi789');
    expect(sentIds(server.requests[0]!)).toEqual({ calls: [old], results: [old] });
    expect(sentIds(server.requests[1]!)).toEqual({ calls: [old, 'chatcmpl-tool-0a1b2c3d'], results: [old, 'chatcmpl-tool-0a1b2c3d'] });
  });

  it('knows Mistral by its host or the model’s name', () => {
    expect(requiresPortableIds({ baseUrl: 'https://api.mistral.ai/v1', modelId: 'some-model' })).toBe(true);
    expect(requiresPortableIds({ baseUrl: 'https://codestral.mistral.ai/v1', modelId: 'some-model' })).toBe(true);
    for (const modelId of ['mistral-large-latest', 'mistralai/devstral-small', 'codestral-2508', 'magistral-medium-2509', 'ministral-8b-latest']) {
      expect(requiresPortableIds({ baseUrl: 'http://127.0.0.1:8000/v1', modelId })).toBe(true);
    }
    expect(requiresPortableIds({ baseUrl: 'https://notmistral.ai/v1', modelId: 'qwen3' })).toBe(false);
    expect(requiresPortableIds({ modelId: 'gpt-5.4' })).toBe(false);
  });
});

// What servers answer, from real reports: Mistral's API (langchain-ai/langchain#24668, eca#233), OpenRouter wrapping it
// (cmw-platform-agent docs), omlx running Devstral through mistral_common (omlx#1995, a 500), OpenAI's length limit
// (microsoft/autogen#6377), Anthropic's id pattern behind a proxy (BlockRunAI/ClawRouter#17).
const mistralRefusal = (id: string) =>
  JSON.stringify({ object: 'error', message: `Tool call id was ${id} but must be a-z, A-Z, 0-9, with a length of 9.`, type: 'invalid_request_error', param: null, code: '3280' });
const refusals: { status: number; body: string }[] = [
  { status: 400, body: mistralRefusal('call_98660886') },
  {
    status: 400,
    body: JSON.stringify({ error: { message: 'Provider returned error', code: 400, metadata: { raw: mistralRefusal('call_98660886'), provider_name: 'Mistral' } } }),
  },
  { status: 500, body: JSON.stringify({ error: { message: 'Tool call id was call_49c89af0 but must be a-z, A-Z, 0-9, with a length of 9', type: 'server_error' } }) },
  {
    status: 400,
    body: JSON.stringify({
      error: {
        message: "Invalid 'messages[3].tool_calls[0].id': string too long. Expected a string with maximum length 40, but got a string with length 41 instead.",
        type: 'invalid_request_error',
        param: 'messages[3].tool_calls[0].id',
        code: 'string_above_max_length',
      },
    }),
  },
  {
    status: 400,
    body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: "messages.92.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'" } }),
  },
];
const apiError = (status: number, body: string) =>
  new APICallError({ message: 'Bad Request', url: 'http://x/v1/chat/completions', requestBodyValues: {}, statusCode: status, responseBody: body });

describe('a server refusing the ids’ format', () => {
  it('is recognised by its own words, and nothing else is', () => {
    for (const { status, body } of refusals) expect(isToolCallIdRefusal(apiError(status, body))).toBe(true);
    // Other 400s that name tools, and the right words under a status no refusal comes with.
    expect(isToolCallIdRefusal(apiError(400, JSON.stringify({ error: { message: "Invalid 'tools[0].function.name': string does not match pattern." } })))).toBe(false);
    expect(isToolCallIdRefusal(apiError(400, JSON.stringify({ error: { message: 'This model maximum context length is 32768 tokens.' } })))).toBe(false);
    expect(isToolCallIdRefusal(apiError(429, mistralRefusal('call_1')))).toBe(false);
    expect(isToolCallIdRefusal(new Error(mistralRefusal('call_1')))).toBe(false);
  });

  const read = { read: tool({ description: 'read', inputSchema: jsonSchema<{ label: string }>({ type: 'object', properties: { label: { type: 'string' } }, required: ['label'] }) }) };

  /** A step of the model, as the loop makes one: the messages it added and what the SDK reports. */
  async function step(model: Awaited<ReturnType<typeof createModel>>['model'], messages: ModelMessage[]) {
    const result = streamText({ model, messages, tools: read, maxRetries: 0, onError: () => {} });
    const text = await result.text;
    return { text, warnings: (await result.warnings) ?? [], added: [...(await result.responseMessages)] };
  }

  /** A step that must fail: the error the SDK ends it with. */
  async function failingStep(model: Awaited<ReturnType<typeof createModel>>['model'], messages: ModelMessage[]) {
    let failure: unknown;
    const result = streamText({ model, messages, tools: read, maxRetries: 0, onError: ({ error }) => void (failure ??= error) });
    await result.consumeStream();
    return failure;
  }

  it('is retried once with every id mapped, says so in a warning, and ids stay mapped after', async () => {
    // A server running a Mistral model under another name (no rule can tell): it refuses any id but 9 characters.
    const server = await startOpenAIServer((body, index): ServerReply => {
      const { calls, results } = sentIds(body);
      const bad = [...calls, ...results].find((id) => !/^[a-zA-Z0-9]{9}$/.test(id));
      if (bad) return { raw: { status: 400, body: mistralRefusal(bad) } };
      return index === 0 ? { toolCalls: [{ id: 'call_49c89af0', name: 'read', arguments: '{"label":"a"}' }] } : { text: `answer ${index}` };
    });
    const { model } = await createModel({ model: 'local-model', baseUrl: server.baseUrl, apiKey: 'k' });
    const history: ModelMessage[] = [{ role: 'user', content: 'read a' }];
    const first = await step(model, history);
    history.push(...first.added, {
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'call_49c89af0', toolName: 'read', output: { type: 'text', value: 'a says hi' } }],
    });

    const second = await step(model, history);
    expect(second.text).toBe('answer 2');
    expect(second.warnings).toContainEqual(ID_RETRY_WARNING);
    const mapped = portableToolCallId('call_49c89af0');
    expect(server.requests.map((body) => sentIds(body))).toEqual([
      { calls: [], results: [] },
      { calls: ['call_49c89af0'], results: ['call_49c89af0'] },
      { calls: [mapped], results: [mapped] },
    ]);

    history.push(...second.added, { role: 'user', content: 'again' });
    const third = await step(model, history);
    expect(third.text).toBe('answer 3');
    expect(third.warnings).not.toContainEqual(ID_RETRY_WARNING);
    expect(sentIds(server.requests[3]!)).toEqual({ calls: [mapped], results: [mapped] });
    // The history keeps the server's own id; only the wire form changed.
    expect(JSON.stringify(history)).toContain('call_49c89af0');
  });

  it('is not retried when the server refuses something else, or when the ids are already portable', async () => {
    const server = await startOpenAIServer([
      { toolCalls: [{ id: 'call_49c89af0', name: 'read', arguments: '{"label":"a"}' }] },
      { raw: { status: 400, body: JSON.stringify({ error: { message: 'This model maximum context length is 32768 tokens.', type: 'invalid_request_error' } }) } },
    ]);
    const { model } = await createModel({ model: 'local-model', baseUrl: server.baseUrl, apiKey: 'k' });
    const history: ModelMessage[] = [{ role: 'user', content: 'read a' }];
    const first = await step(model, history);
    history.push(...first.added, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_49c89af0', toolName: 'read', output: { type: 'text', value: 'hi' } }] });
    expect(String(await failingStep(model, history))).toContain('maximum context length');
    expect(server.requests).toHaveLength(2);

    // A Mistral model's ids are all mapped from the start: a refusal has nothing left to fix.
    const mistral = await startOpenAIServer([{ raw: { status: 400, body: mistralRefusal('aB3dE5gH7') } }]);
    const { model: devstral } = await createModel({ model: 'devstral-small', baseUrl: mistral.baseUrl, apiKey: 'k' });
    expect(APICallError.isInstance(await failingStep(devstral, history))).toBe(true);
    expect(mistral.requests).toHaveLength(1);
  });
});
