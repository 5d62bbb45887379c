import { APICallError, generateText, wrapLanguageModel, type ModelMessage } from 'ai';
import type { LanguageModelV4GenerateResult, LanguageModelV4Prompt } from '@ai-sdk/provider';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { adaptPrompt, createOriginMiddleware, ID_RETRY_WARNING } from '../../src/models/history-origin';
import { portableToolCallId } from '../../src/models/tool-call-ids';

const HERE = 'chat 127.0.0.1:8000 qwen3';
const ELSEWHERE = 'responses api.openai.com gpt-5.4';

const generated = (content: LanguageModelV4GenerateResult['content']): LanguageModelV4GenerateResult => ({
  content,
  finishReason: { unified: content.some((part) => part.type === 'tool-call') ? 'tool-calls' : 'stop', raw: undefined },
  usage: { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
  warnings: [],
});

describe('adaptPrompt', () => {
  it('leaves out a message that held nothing but another model’s reasoning, and maps a result whose call it cannot see only when mapping all', () => {
    const prompt: LanguageModelV4Prompt = [
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'thinking elsewhere', providerOptions: { shoal: { origin: ELSEWHERE } } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_orphan_1', toolName: 'read', output: { type: 'text', value: 'x' } }] },
    ];
    const kept = adaptPrompt(prompt, { origin: HERE, isMappingAll: false });
    expect(kept.map((message) => message.role)).toEqual(['user', 'tool']);
    expect(kept[1]!.content).toMatchObject([{ toolCallId: 'call_orphan_1' }]);
    expect(adaptPrompt(prompt, { origin: HERE, isMappingAll: true })[1]!.content).toMatchObject([{ toolCallId: portableToolCallId('call_orphan_1') }]);
  });

  it('strips another model’s provider data from its calls but keeps this model’s', () => {
    const prompt: LanguageModelV4Prompt = [
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'call_old', toolName: 'read', input: {}, providerOptions: { openai: { itemId: 'fc_1' }, shoal: { origin: ELSEWHERE } } },
          { type: 'tool-call', toolCallId: 'call_new', toolName: 'read', input: {}, providerOptions: { compatible: { extra: 1 }, shoal: { origin: HERE } } },
        ],
      },
    ];
    expect(adaptPrompt(prompt, { origin: HERE, isMappingAll: false })[0]!.content).toEqual([
      { type: 'tool-call', toolCallId: portableToolCallId('call_old'), toolName: 'read', input: {}, providerOptions: { shoal: { origin: ELSEWHERE } } },
      { type: 'tool-call', toolCallId: 'call_new', toolName: 'read', input: {}, providerOptions: { compatible: { extra: 1 }, shoal: { origin: HERE } } },
    ]);
  });
});

describe('the origin middleware on a generate call', () => {
  it('stamps what the model produced, retries a refusal of its ids once with them mapped, and says so', async () => {
    const refusal = new APICallError({
      message: 'Tool call id was call_49c89af0 but must be a-z, A-Z, 0-9, with a length of 9.',
      url: 'http://127.0.0.1:8000/v1/chat/completions',
      requestBodyValues: {},
      statusCode: 400,
    });
    let calls = 0;
    const inner = new MockLanguageModelV4({
      doGenerate: async () => {
        calls += 1;
        if (calls === 1) return generated([{ type: 'reasoning', text: 'read it' }, { type: 'tool-call', toolCallId: 'call_49c89af0', toolName: 'read', input: '{}' }]);
        if (calls === 2) throw refusal;
        return generated([{ type: 'text', text: 'done' }]);
      },
    });
    const model = wrapLanguageModel({ model: inner, middleware: createOriginMiddleware({ origin: HERE, isMappingAll: false }) });

    const messages: ModelMessage[] = [{ role: 'user', content: 'read' }];
    const first = await generateText({ model, messages, maxRetries: 0 });
    const assistant = first.response.messages[0]!;
    expect(assistant.content).toMatchObject([
      { type: 'reasoning', providerOptions: { shoal: { origin: HERE } } },
      { type: 'tool-call', toolCallId: 'call_49c89af0', providerOptions: { shoal: { origin: HERE } } },
    ]);

    messages.push(assistant, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_49c89af0', toolName: 'read', output: { type: 'text', value: 'x' } }] });
    const second = await generateText({ model, messages, maxRetries: 0 });
    expect(second.text).toBe('done');
    expect(second.warnings).toContainEqual(ID_RETRY_WARNING);
    const ids = (prompt: LanguageModelV4Prompt) =>
      prompt.flatMap((message) => (message.role === 'assistant' || message.role === 'tool' ? message.content.flatMap((part) => ('toolCallId' in part ? [part.toolCallId] : [])) : []));
    expect(inner.doGenerateCalls.map((call) => ids(call.prompt))).toEqual([[], ['call_49c89af0', 'call_49c89af0'], [portableToolCallId('call_49c89af0'), portableToolCallId('call_49c89af0')]]);
    // Its own reasoning went back each time.
    expect(inner.doGenerateCalls[2]!.prompt[1]).toMatchObject({ role: 'assistant', content: [{ type: 'reasoning', text: 'read it' }, { type: 'tool-call' }] });
  });
});
