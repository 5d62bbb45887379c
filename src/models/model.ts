import type { LanguageModel, streamText } from 'ai';
import { requestRulesFor } from './chat-request';
import { createDemoModel, DEMO_MODEL_ID } from './demo/model';
import { createModelFetch } from './model-fetch';
import { priceFor, type ModelPrice } from './prices';
import { reasoningEffortOptions, type ReasoningEffort } from './reasoning-effort';

/** Provider-specific request options, such as enabling parallel tool calls. */
export type ProviderOptions = NonNullable<Parameters<typeof streamText>[0]['providerOptions']>;

/** Where the model lives. */
export interface ModelSettings {
  /** Model id, e.g. "gpt-5.4" or "qwen3-coder" on a local server. */
  model: string;
  /** An OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp, OpenRouter); OpenAI itself when absent. */
  baseUrl?: string;
  apiKey?: string;
  /** Which client speaks to it: OpenAI's own, or the generic compatible one (default when `baseUrl` is set). */
  provider?: 'openai' | 'openai-compatible';
  /** The demo model streams with pauses so its panels can be watched; headless runs turn them off. */
  isPaced?: boolean;
  /** Cut (and retry) a response after this long without a byte from the server; 90 s when absent. */
  stallTimeoutMs?: number;
  /** Asked of models and servers that take it; others get nothing extra. */
  reasoningEffort?: ReasoningEffort;
}

export const DEFAULT_MODEL = 'gpt-5.4';

/** A model ready to talk to, with its id and request options (what /model switches between). */
export interface ModelChoice {
  modelId: string;
  model: LanguageModel;
  providerOptions?: ProviderOptions;
  /** Set only where shoal knows who bills the model and at what price. */
  price?: ModelPrice;
}
const COMPATIBLE_PROVIDER = 'compatible';

/**
 * Creates the language model and the provider options that ask it for
 * parallel tool calls ("demo" is shoal's offline model). OpenAI and compatible servers both speak Chat
 * Completions here, the one API every local server implements. Only the
 * client in use is loaded: OpenAI's alone is half a megabyte of code to start.
 */
export async function createModel(settings: ModelSettings): Promise<{ model: LanguageModel; providerOptions: ProviderOptions; price?: ModelPrice }> {
  if (settings.model === DEMO_MODEL_ID) {
    return { model: createDemoModel({ pacing: settings.isPaced === false ? false : undefined }), providerOptions: {} };
  }
  const provider = settings.provider ?? (settings.baseUrl ? 'openai-compatible' : 'openai');
  // Every request goes through shoal's fetch: history shaped for the server's rules, stalls cut.
  const fetch = createModelFetch({
    rules: requestRulesFor({ baseUrl: settings.baseUrl, modelId: settings.model }),
    stallTimeoutMs: settings.stallTimeoutMs,
  });
  const effort = { baseUrl: settings.baseUrl, modelId: settings.model, effort: settings.reasoningEffort };
  const price = priceFor({ modelId: settings.model, baseUrl: settings.baseUrl });
  if (provider === 'openai-compatible') {
    if (!settings.baseUrl) throw new Error('An OpenAI-compatible provider needs a base URL.');
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
    const compatible = createOpenAICompatible({
      name: COMPATIBLE_PROVIDER,
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey,
      includeUsage: true,
      fetch,
    });
    return {
      model: compatible.chatModel(settings.model),
      // Unknown keys under the provider's name go into the request body as they are.
      providerOptions: { [COMPATIBLE_PROVIDER]: { parallel_tool_calls: true, ...reasoningEffortOptions({ ...effort, provider }) } },
      ...(price ? { price } : {}),
    };
  }
  const { createOpenAI } = await import('@ai-sdk/openai');
  const openai = createOpenAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl, fetch });
  return {
    model: openai.chat(settings.model),
    providerOptions: { openai: { parallelToolCalls: true, ...reasoningEffortOptions({ ...effort, provider }) } },
    ...(price ? { price } : {}),
  };
}
