import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/models/model';
import { reasoningEffortOptions } from '../../src/models/reasoning-effort';
import { ofType } from '../helpers/collect';
import { startOpenAIServer } from '../helpers/openai-server';
import { runTurn } from '../helpers/run-turn';

/** The body of the one request a turn against `settings` sends to a loopback server. */
async function sentBody(settings: Omit<Parameters<typeof createModel>[0], 'baseUrl' | 'apiKey'>) {
  const server = await startOpenAIServer([{ text: 'ok' }]);
  const { model, providerOptions } = await createModel({ ...settings, baseUrl: server.baseUrl, apiKey: 'k' });
  const nodes = await runTurn({ model, providerOptions, maxRetries: 0 });
  expect(ofType(nodes, 'run-end')[0]!.reason).toBe('done');
  return server.requests[0]!;
}

describe('reasoning effort in the request body', () => {
  it('reaches OpenAI (a loopback server standing in for api.openai.com) as reasoning_effort for a reasoning model', async () => {
    const body = await sentBody({ model: 'gpt-5-mini', provider: 'openai', reasoningEffort: 'high' });
    expect(body.reasoning_effort).toBe('high');
  });

  it('is not sent to an OpenAI model that does not reason, which would refuse the request', async () => {
    const body = await sentBody({ model: 'gpt-4.1', provider: 'openai', reasoningEffort: 'high' });
    expect(body).not.toHaveProperty('reasoning_effort');
  });

  it('reaches a compatible server as reasoning_effort', async () => {
    const body = await sentBody({ model: 'qwen3', reasoningEffort: 'low' });
    expect(body.reasoning_effort).toBe('low');
    expect(body.parallel_tool_calls).toBe(true);
  });

  it('adds nothing when no effort is set', async () => {
    const body = await sentBody({ model: 'qwen3' });
    expect(body).not.toHaveProperty('reasoning_effort');
    expect(body).not.toHaveProperty('reasoning');
  });
});

describe('reasoningEffortOptions, per server', () => {
  // Sources, as of 2025: OpenRouter takes `reasoning: { effort }` (openrouter.ai/docs, "Reasoning Tokens");
  // Groq (console.groq.com/docs/reasoning), vLLM (ChatCompletionRequest.reasoning_effort) and Ollama's
  // OpenAI-compatible endpoint take `reasoning_effort`; DeepSeek's API has no effort (api-docs.deepseek.com:
  // thinking is chosen by model, deepseek-reasoner) and Mistral's refuses unknown fields.
  const effort = 'medium' as const;
  it('gives OpenRouter its own reasoning object', () => {
    expect(reasoningEffortOptions({ provider: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1', modelId: 'openai/gpt-5', effort })).toEqual({
      reasoning: { effort },
    });
  });

  it('gives Groq and local servers the Chat Completions field', () => {
    for (const baseUrl of ['https://api.groq.com/openai/v1', 'http://127.0.0.1:11434/v1', 'http://gpu-box:8000/v1']) {
      expect(reasoningEffortOptions({ provider: 'openai-compatible', baseUrl, modelId: 'gpt-oss-20b', effort })).toEqual({ reasoningEffort: effort });
    }
  });

  it('gives DeepSeek, Mistral and OpenAI models that do not reason nothing', () => {
    expect(reasoningEffortOptions({ provider: 'openai-compatible', baseUrl: 'https://api.deepseek.com/v1', modelId: 'deepseek-reasoner', effort })).toEqual({});
    expect(reasoningEffortOptions({ provider: 'openai-compatible', baseUrl: 'https://api.mistral.ai/v1', modelId: 'magistral-medium', effort })).toEqual({});
    for (const modelId of ['gpt-4o', 'gpt-4.1-mini', 'gpt-5-chat-latest']) expect(reasoningEffortOptions({ provider: 'openai', modelId, effort })).toEqual({});
    for (const modelId of ['o3', 'o4-mini', 'gpt-5.1']) expect(reasoningEffortOptions({ provider: 'openai', modelId, effort })).toEqual({ reasoningEffort: effort });
  });
});
