import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { createModel, type ModelSettings } from '../../src/models/model';
import { portableToolCallId } from '../../src/models/tool-call-ids';
import { createRegistry } from '../../src/tools/registry';
import { ofType, phasesOf } from '../helpers/collect';
import { createFakeTool } from '../helpers/fake-tools';
import { startOpenAIServer } from '../helpers/openai-server';
import { startResponsesServer, type ResponsesReply } from '../helpers/responses-server';
import { runTurn } from '../helpers/run-turn';

// Ids shaped as OpenAI's (from its captures): call_ and 24 characters.
const CALL_ALPHA = 'call_AB6AaRZ1FYZB2RwS6A5vbdqn';
const CALL_BETA = 'call_2FQdm3Br7Qb35YUBSkDR7kue';

const reasonAndRead: ResponsesReply = {
  reasoning: { summary: ['**Reading both files**\n\nAlpha first.', 'Then beta.'], encryptedContent: 'gAAAAABpPDIVOKrsHNZ0-final' },
  toolCalls: [
    { callId: CALL_ALPHA, name: 'read', arguments: '{"label":"alpha"}' },
    { callId: CALL_BETA, name: 'read', arguments: '{"label":"beta"}' },
  ],
  usage: { inputTokens: 300, cachedTokens: 256, outputTokens: 40, reasoningTokens: 24 },
};

type InputItem = Record<string, any>;

/** A turn of the real agent loop against a model at `baseUrl` with one fake read tool; its nodes and its history. */
async function turn(settings: Omit<ModelSettings, 'apiKey'>, messages: ModelMessage[] = [{ role: 'user', content: 'read alpha and beta' }]) {
  const { model } = await createModel({ apiKey: 'k', ...settings });
  const nodes = await runTurn({ model, messages, tools: createRegistry([createFakeTool({ name: 'read', kind: 'read-only' })]), maxRetries: 0 });
  const history = [...messages, ...ofType(nodes, 'history-append').flatMap((node) => node.messages)];
  return { nodes, history };
}

describe('OpenAI through the Responses API', () => {
  it('sends the turn back in full: reasoning with its encrypted content, calls and outputs under the server’s call_ids', async () => {
    const server = await startResponsesServer([reasonAndRead, { text: 'Both read.', usage: { inputTokens: 400, cachedTokens: 384, outputTokens: 5 } }]);
    const { nodes } = await turn({ model: 'gpt-5.4', baseUrl: server.baseUrl, api: 'responses', reasoningEffort: 'medium' });

    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Both read.' }]);
    expect(server.paths).toEqual(['/v1/responses', '/v1/responses']);
    const [first, second] = server.requests;
    expect(first).toMatchObject({
      model: 'gpt-5.4',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      parallel_tool_calls: true,
      reasoning: { effort: 'medium', summary: 'auto' },
    });
    expect(typeof first!.prompt_cache_key).toBe('string');
    expect(second!.prompt_cache_key).toBe(first!.prompt_cache_key);

    // Step 2's input: the user's message, then step 1's output as it was, then the outputs.
    const input = (second!.input as InputItem[]).filter((item) => item.role !== 'developer' && item.role !== 'system');
    expect(input).toEqual([
      { role: 'user', content: [{ type: 'input_text', text: 'read alpha and beta' }] },
      {
        type: 'reasoning',
        id: expect.stringMatching(/^rs_/),
        encrypted_content: 'gAAAAABpPDIVOKrsHNZ0-final',
        summary: [
          { type: 'summary_text', text: '**Reading both files**\n\nAlpha first.' },
          { type: 'summary_text', text: 'Then beta.' },
        ],
      },
      { type: 'function_call', call_id: CALL_ALPHA, name: 'read', arguments: '{"label":"alpha"}' },
      { type: 'function_call', call_id: CALL_BETA, name: 'read', arguments: '{"label":"beta"}' },
      { type: 'function_call_output', call_id: CALL_ALPHA, output: 'read ran alpha' },
      { type: 'function_call_output', call_id: CALL_BETA, output: 'read ran beta' },
    ]);
    // Both calls ran as one batch, under the server's ids.
    expect(phasesOf(nodes)).toMatchObject([{ phase: 'read-only', calls: [{ toolCallId: CALL_ALPHA }, { toolCallId: CALL_BETA }] }]);
  });

  it('streams the reasoning summaries and counts cached and reasoning tokens', async () => {
    const server = await startResponsesServer([reasonAndRead, { text: 'Both read.', usage: { inputTokens: 400, cachedTokens: 384, outputTokens: 5 } }]);
    const { nodes } = await turn({ model: 'gpt-5.4', baseUrl: server.baseUrl, api: 'responses' });

    expect(ofType(nodes, 'reasoning-delta').map((node) => node.text).join('')).toBe('**Reading both files**\n\nAlpha first.Then beta.');
    expect(ofType(nodes, 'step-end').map((node) => node.usage)).toMatchObject([
      { inputTokens: 300, cachedInputTokens: 256, outputTokens: 40, reasoningTokens: 24 },
      { inputTokens: 400, cachedInputTokens: 384, outputTokens: 5 },
    ]);
    expect(ofType(nodes, 'run-end')[0]!.usage).toMatchObject({ inputTokens: 700, cachedInputTokens: 640, outputTokens: 45 });
  });

  it('keys the prompt cache with the session’s key, read at each request', async () => {
    const server = await startResponsesServer([{ text: 'one' }, { text: 'two' }]);
    let key = 'session-20260101-aaaa';
    const { model } = await createModel({ model: 'gpt-5.4', baseUrl: server.baseUrl, apiKey: 'k', api: 'responses', promptCacheKey: () => key });
    await runTurn({ model, maxRetries: 0 });
    key = 'session-20260101-bbbb';
    await runTurn({ model, maxRetries: 0 });
    expect(server.requests.map((request) => request.prompt_cache_key)).toEqual(['session-20260101-aaaa', 'session-20260101-bbbb']);
  });

  it('asks for encrypted reasoning whenever the model reasons, and never from one that does not', async () => {
    const server = await startResponsesServer(() => ({ text: 'ok' }));
    const sent = async (settings: Pick<ModelSettings, 'model' | 'reasoningEffort'>) => {
      await turn({ ...settings, baseUrl: server.baseUrl, api: 'responses' });
      return server.requests.at(-1)!;
    };
    // o-series and gpt-5 ids reason; so does a deployment by another name once an effort is set for it.
    for (const body of [await sent({ model: 'o4-mini' }), await sent({ model: 'gpt-5-mini' }), await sent({ model: 'my-azure-deployment', reasoningEffort: 'low' })]) {
      expect(body).toMatchObject({ store: false, include: ['reasoning.encrypted_content'], reasoning: { summary: 'auto' } });
    }
    expect(server.requests.at(-1)!.reasoning).toEqual({ effort: 'low', summary: 'auto' });
    // gpt-4.1 refuses the include (and the reasoning object); an unknown name with no effort is not presumed to reason.
    for (const body of [await sent({ model: 'gpt-4.1', reasoningEffort: 'high' }), await sent({ model: 'my-azure-deployment' })]) {
      expect(body).toMatchObject({ store: false, parallel_tool_calls: true });
      expect(body).not.toHaveProperty('include');
      expect(body).not.toHaveProperty('reasoning');
    }
  });

  it('is the default without a base URL, and Chat Completions the default with one', async () => {
    const chat = await startOpenAIServer([{ text: 'ok' }, { text: 'ok' }]);
    // OPENAI_BASE_URL is how a test points "no base URL" at a loopback server: createOpenAI reads it.
    const saved = process.env.OPENAI_BASE_URL;
    const responses = await startResponsesServer([{ text: 'ok' }]);
    process.env.OPENAI_BASE_URL = responses.baseUrl;
    try {
      await turn({ model: 'gpt-5.4' });
    } finally {
      if (saved === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved;
    }
    expect(responses.paths).toEqual(['/v1/responses']);

    await turn({ model: 'gpt-5.4', baseUrl: chat.baseUrl });
    // `--provider chat` on OpenAI's own client still speaks Chat Completions.
    await turn({ model: 'gpt-5.4', baseUrl: chat.baseUrl, api: 'chat', provider: 'openai' });
    expect(chat.requests).toHaveLength(2);
    expect(chat.requests.every((body) => Array.isArray(body.messages) && body.input === undefined)).toBe(true);
  });
});

describe('history from another model on the Responses API', () => {
  it('drops the other model’s reasoning and sends its calls under portable ids, still paired', async () => {
    const server = await startResponsesServer([reasonAndRead, { text: 'Both read.' }, { text: 'Done on mini.' }]);
    const { history } = await turn({ model: 'gpt-5.4', baseUrl: server.baseUrl, api: 'responses' });
    // The same conversation goes on on another model of the same server (/model).
    await turn({ model: 'gpt-5.4-mini', baseUrl: server.baseUrl, api: 'responses' }, [...history, { role: 'user', content: 'again' }]);

    const input = server.requests[2]!.input as InputItem[];
    expect(input.filter((item) => item.type === 'reasoning')).toEqual([]);
    expect(JSON.stringify(input)).not.toContain('gAAAAABpPDIVOKrsHNZ0-final');
    const [alpha, beta] = [portableToolCallId(CALL_ALPHA), portableToolCallId(CALL_BETA)];
    expect(input.filter((item) => item.type === 'function_call').map((item) => item.call_id)).toEqual([alpha, beta]);
    expect(input.filter((item) => item.type === 'function_call_output').map((item) => [item.call_id, item.output])).toEqual([
      [alpha, 'read ran alpha'],
      [beta, 'read ran beta'],
    ]);
  });

  it('keeps its own reasoning when the conversation comes back to it', async () => {
    const server = await startResponsesServer([reasonAndRead, { text: 'Both read.' }, { text: 'Still here.' }]);
    const { history } = await turn({ model: 'gpt-5.4', baseUrl: server.baseUrl, api: 'responses' });
    // A new model object for the same server and model (a restart, /model to the same one): the history is its own.
    await turn({ model: 'gpt-5.4', baseUrl: server.baseUrl, api: 'responses' }, [...history, { role: 'user', content: 'again' }]);
    const input = server.requests[2]!.input as InputItem[];
    expect(input.filter((item) => item.type === 'reasoning').map((item) => item.encrypted_content)).toEqual(['gAAAAABpPDIVOKrsHNZ0-final']);
    expect(input.filter((item) => item.type === 'function_call').map((item) => item.call_id)).toEqual([CALL_ALPHA, CALL_BETA]);
  });

  it('drops a Chat Completions model’s reasoning and maps its ids when the session moves to OpenAI', async () => {
    const chat = await startOpenAIServer([
      { reasoning: 'Alpha is needed.', toolCalls: [{ id: 'chatcmpl-tool-9f8e7d6c5b4a', name: 'read', arguments: '{"label":"alpha"}' }] },
      { text: 'Read.' },
    ]);
    const { history } = await turn({ model: 'deepseek-reasoner', baseUrl: chat.baseUrl });
    const responses = await startResponsesServer([{ text: 'Continued.' }]);
    const { nodes } = await turn({ model: 'gpt-5.4', baseUrl: responses.baseUrl, api: 'responses' }, [...history, { role: 'user', content: 'go on' }]);

    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Continued.' }]);
    const input = responses.requests[0]!.input as InputItem[];
    expect(input.filter((item) => item.type === 'reasoning')).toEqual([]);
    const mapped = portableToolCallId('chatcmpl-tool-9f8e7d6c5b4a');
    expect(input.filter((item) => item.type?.startsWith('function_call')).map((item) => [item.type, item.call_id])).toEqual([
      ['function_call', mapped],
      ['function_call_output', mapped],
    ]);
  });
});
