import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseContextWindow, formatWindowSize, knownContextWindow, probeContextWindow } from '../../src/models/context-window';

const servers: { close: () => void }[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** A loopback server answering GET/POST paths with JSON, 404 elsewhere, as each real server does. */
async function serve(routes: Record<string, unknown>): Promise<string> {
  const server = createServer((request, response) => {
    const body = routes[`${request.method} ${request.url}`];
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the context window', () => {
  it('knows well-known models by id, with provider prefixes and tags', () => {
    expect(knownContextWindow('gpt-5.4')).toBe(400_000);
    expect(knownContextWindow('openai/gpt-4o-mini')).toBe(128_000);
    expect(knownContextWindow('qwen3-coder:30b')).toBe(262_144);
    expect(knownContextWindow('my-finetune')).toBeUndefined();
  });

  it('prefers the setting, then the server, then the table, and says when it only guesses', () => {
    const probed = { tokens: 16_384, source: 'vLLM max_model_len', isKnown: true };
    expect(chooseContextWindow({ modelId: 'gpt-4o', setting: 50_000, probed }).tokens).toBe(50_000);
    expect(chooseContextWindow({ modelId: 'gpt-4o', probed }).tokens).toBe(16_384);
    expect(chooseContextWindow({ modelId: 'gpt-4o' }).tokens).toBe(128_000);
    expect(chooseContextWindow({ modelId: 'mystery' })).toMatchObject({ tokens: 32_768, isKnown: false });
  });

  it('formats sizes as model cards do', () => {
    expect(formatWindowSize(131_072)).toBe('128k');
    expect(formatWindowSize(400_000)).toBe('400k');
    expect(formatWindowSize(32_768)).toBe('32k');
    expect(formatWindowSize(1_048_576)).toBe('1M');
  });
});

describe("asking each server for the window (their own formats)", () => {
  it("vLLM: max_model_len in /v1/models", async () => {
    const origin = await serve({ 'GET /v1/models': { object: 'list', data: [{ id: 'Qwen/Qwen3-8B', object: 'model', owned_by: 'vllm', max_model_len: 16384 }] } });
    expect(await probeContextWindow({ baseUrl: `${origin}/v1`, modelId: 'Qwen/Qwen3-8B' })).toMatchObject({ tokens: 16384, source: 'vLLM max_model_len' });
  });

  it("llama.cpp: n_ctx in /props", async () => {
    const origin = await serve({
      'GET /v1/models': { object: 'list', data: [{ id: 'model.gguf', object: 'model', owned_by: 'llamacpp', meta: { n_ctx_train: 131072 } }] },
      'GET /props': { default_generation_settings: { n_ctx: 8192 }, total_slots: 1 },
    });
    expect(await probeContextWindow({ baseUrl: `${origin}/v1`, modelId: 'model.gguf' })).toMatchObject({ tokens: 8192 });
  });

  it('Ollama: the loaded context length from /api/ps, else num_ctx, else its 4096 default', async () => {
    const show = { parameters: 'stop "<|im_end|>"', model_info: { 'qwen3.context_length': 40960 } };
    // Ollama's OpenAI-compatible model list names no window, and "library" as the owner.
    const list = { 'GET /v1/models': { object: 'list', data: [{ id: 'qwen3:8b', object: 'model', created: 1, owned_by: 'library' }] } };
    const loaded = await serve({ ...list, 'POST /api/show': show, 'GET /api/ps': { models: [{ name: 'qwen3:8b', model: 'qwen3:8b', context_length: 16384 }] } });
    expect(await probeContextWindow({ baseUrl: `${loaded}/v1`, modelId: 'qwen3:8b' })).toMatchObject({ tokens: 16384, source: 'Ollama' });
    const configured = await serve({ ...list, 'POST /api/show': { ...show, parameters: 'num_ctx 12288\nstop "x"' }, 'GET /api/ps': { models: [] } });
    expect((await probeContextWindow({ baseUrl: `${configured}/v1`, modelId: 'qwen3:8b' }))?.tokens).toBe(12288);
    const fresh = await serve({ ...list, 'POST /api/show': show, 'GET /api/ps': { models: [] } });
    expect((await probeContextWindow({ baseUrl: `${fresh}/v1`, modelId: 'qwen3:8b' }))?.tokens).toBe(4096);
  });

  it('OpenRouter: context_length in its model list', async () => {
    const origin = await serve({ 'GET /api/v1/models': { data: [{ id: 'qwen/qwen3-coder', context_length: 262144, top_provider: { context_length: 262144 } }] } });
    expect((await probeContextWindow({ baseUrl: `${origin}/api/v1`, modelId: 'qwen/qwen3-coder' }))?.tokens).toBe(262144);
  });

  it("LM Studio: the loaded context length from /api/v0/models", async () => {
    const origin = await serve({
      'GET /v1/models': { data: [{ id: 'qwen2.5-7b-instruct', object: 'model', owned_by: 'organization_owner' }] },
      'GET /api/v0/models/qwen2.5-7b-instruct': { id: 'qwen2.5-7b-instruct', state: 'loaded', max_context_length: 32768, loaded_context_length: 4096 },
    });
    expect((await probeContextWindow({ baseUrl: `${origin}/v1`, modelId: 'qwen2.5-7b-instruct' }))?.tokens).toBe(4096);
  });

  it('asks a server that names no owner every other way at once', async () => {
    const origin = await serve({ 'GET /v1/models': { data: [{ id: 'm' }] }, 'GET /props': { default_generation_settings: { n_ctx: 6144 } } });
    expect((await probeContextWindow({ baseUrl: `${origin}/v1`, modelId: 'm' }))?.tokens).toBe(6144);
  });

  it('says nothing, quickly, when no server answers', async () => {
    const origin = await serve({});
    expect(await probeContextWindow({ baseUrl: `${origin}/v1`, modelId: 'x' })).toBeUndefined();
    expect(await probeContextWindow({ baseUrl: 'http://127.0.0.1:9/v1', modelId: 'x', timeoutMs: 300 })).toBeUndefined();
  });
});
