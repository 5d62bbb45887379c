/** How many tokens a model can take in one request, and who said so. */
export interface ContextWindow {
  tokens: number;
  /** Where the number came from, for /stats and the status bar ("vLLM max_model_len", "known model", "default"). */
  source: string;
  /** False for the default used when nothing is known: shown as a guess. */
  isKnown: boolean;
}

/** The window assumed when neither the server, a table entry nor the `contextWindow` setting says. */
export const DEFAULT_CONTEXT_WINDOW = 32_768;

/** Ollama's context length when a model's own `num_ctx` is not set and it is not loaded (its documented default). */
const OLLAMA_DEFAULT_CONTEXT = 4096;

// Published context lengths, longest prefix first within a family. Ids are matched
// after dropping a provider prefix ("openai/gpt-4o", "qwen/qwen3-coder") and a
// ":tag" ("qwen3-coder:30b"). Sources: each provider's model pages, 2025-2026.
const KNOWN_WINDOWS: readonly (readonly [prefix: string, tokens: number])[] = [
  ['gpt-5', 400_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-oss', 131_072],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
  ['claude', 200_000],
  ['gemini-1.5', 1_048_576],
  ['gemini-2', 1_048_576],
  ['gemini-3', 1_048_576],
  ['deepseek-chat', 128_000],
  ['deepseek-reasoner', 128_000],
  ['deepseek-v3', 128_000],
  ['deepseek-r1', 128_000],
  ['deepseek-coder', 128_000],
  ['qwen3-coder', 262_144],
  ['qwen3', 131_072],
  ['qwen2.5-coder', 32_768],
  ['qwen2.5', 32_768],
  ['llama-3.1', 131_072],
  ['llama-3.2', 131_072],
  ['llama-3.3', 131_072],
  ['llama3.1', 131_072],
  ['llama3.2', 131_072],
  ['llama3.3', 131_072],
  ['llama-4', 131_072],
  ['mistral-large', 131_072],
  ['mistral-medium', 131_072],
  ['mistral-small', 131_072],
  ['codestral', 262_144],
  ['devstral', 131_072],
  ['kimi-k2', 131_072],
  ['glm-4.5', 131_072],
  ['glm-4.6', 200_000],
  ['moonshotai/kimi-k2', 131_072],
];

/** The window of a well-known model by its id, or undefined. */
export function knownContextWindow(modelId: string): number | undefined {
  const id = modelId.toLowerCase().replace(/^.*\//, '').replace(/:.*$/, '');
  let best: readonly [string, number] | undefined;
  for (const entry of KNOWN_WINDOWS) {
    if (id.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

/**
 * The window for a model: the `contextWindow` setting, else what the server
 * says (probed), else the table, else the default.
 */
export function chooseContextWindow(options: { modelId: string; setting?: number; probed?: ContextWindow }): ContextWindow {
  if (options.setting) return { tokens: options.setting, source: 'contextWindow setting', isKnown: true };
  if (options.probed) return options.probed;
  const known = knownContextWindow(options.modelId);
  if (known) return { tokens: known, source: 'known model', isKnown: true };
  return { tokens: DEFAULT_CONTEXT_WINDOW, source: 'default (nothing said how large the window is)', isKnown: false };
}

/**
 * Asks an OpenAI-compatible server how large the model's window is: its
 * model list (vLLM's `max_model_len`, OpenRouter's `context_length`), and
 * when the list says who serves it, that server's own way (llama.cpp's
 * `/props`, Ollama's `/api/ps` and `/api/show`, LM Studio's `/api/v0`). A
 * server without a model list is not asked further.
 * Contract: never rejects; undefined when no server answered in time.
 */
export async function probeContextWindow(options: {
  baseUrl: string;
  modelId: string;
  apiKey?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): Promise<ContextWindow | undefined> {
  const request = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 1500);
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const getJson = async (url: string, init: RequestInit = {}): Promise<any> => {
    const response = await request(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, signal });
    if (!response.ok) throw new Error(`${response.status}`);
    return response.json();
  };
  const id = options.modelId;
  const found = (tokens: unknown, source: string): ContextWindow => {
    if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 256) throw new Error('no window');
    return { tokens: Math.floor(tokens), source, isKnown: true };
  };
  const lmStudio = () =>
    getJson(`${origin}/api/v0/models/${encodeURIComponent(id)}`).then((body) => found(body?.loaded_context_length ?? body?.max_context_length, 'LM Studio'));
  const llamaCpp = () => getJson(`${origin}/props`).then((body) => found(body?.default_generation_settings?.n_ctx ?? body?.n_ctx, 'llama.cpp n_ctx'));
  const ollama = () => ollamaWindow(getJson, origin, id).then((tokens) => found(tokens, 'Ollama'));
  try {
    // Every one of these servers lists its models; the list says the window (vLLM, OpenRouter) or who is serving.
    const list = await getJson(`${base}/models`);
    const model = (list?.data ?? []).find((entry: any) => entry?.id === id);
    if (typeof model?.max_model_len === 'number') return found(model.max_model_len, 'vLLM max_model_len');
    const listed = model?.context_length ?? model?.top_provider?.context_length;
    if (typeof listed === 'number') return found(listed, 'the server’s model list');
    const owner = String(model?.owned_by ?? list?.data?.[0]?.owned_by ?? '');
    if (owner === 'llamacpp') return await llamaCpp();
    if (owner === 'library' || owner === 'ollama') return await ollama();
    if (owner === 'organization_owner') return await lmStudio();
    return await Promise.any([lmStudio(), llamaCpp(), ollama()]);
  } catch {
    return undefined;
  }
}

/** Ollama's effective window: the loaded model's context length, else its `num_ctx`, else Ollama's default. */
async function ollamaWindow(getJson: (url: string, init?: RequestInit) => Promise<any>, origin: string, id: string): Promise<number> {
  const show = await getJson(`${origin}/api/show`, { method: 'POST', body: JSON.stringify({ model: id }), headers: { 'content-type': 'application/json' } });
  if (!show || typeof show !== 'object' || !('model_info' in show || 'parameters' in show)) throw new Error('not Ollama');
  const running = await getJson(`${origin}/api/ps`).catch(() => undefined);
  const loaded = (running?.models ?? []).find((entry: any) => entry?.name === id || entry?.model === id);
  if (typeof loaded?.context_length === 'number') return loaded.context_length;
  const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(String(show.parameters ?? ''))?.[1];
  if (numCtx) return Number(numCtx);
  const trained = Object.entries(show.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1];
  return Math.min(typeof trained === 'number' ? trained : OLLAMA_DEFAULT_CONTEXT, OLLAMA_DEFAULT_CONTEXT);
}

/** "128k", "1M", "400k": a window size for the status bar (powers of two in KiB, as model cards say "32k"). */
export function formatWindowSize(tokens: number): string {
  if (tokens >= 1_000_000) return `${trim(tokens / (tokens % 1_048_576 === 0 ? 1_048_576 : 1_000_000))}M`;
  if (tokens >= 1000) return `${trim(tokens / (tokens % 1024 === 0 ? 1024 : 1000))}k`;
  return String(tokens);
}

function trim(value: number): string {
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
}
