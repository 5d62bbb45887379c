import { randomUUID } from 'node:crypto';
import { wrapLanguageModel, type LanguageModel, type streamText } from 'ai';
import type { LanguageModelV4, SharedV4ProviderOptions } from '@ai-sdk/provider';
import { requestRulesFor } from './chat-request';
import { createDemoModel, DEMO_MODEL_ID } from './demo/model';
import { createOriginMiddleware, originOf, type ModelApi } from './history-origin';
import { createModelFetch } from './model-fetch';
import { priceFor, type ModelPrice } from './prices';
import { isOpenAIReasoningModel, reasoningEffortOptions, type ReasoningEffort } from './reasoning-effort';
import { requiresPortableIds } from './tool-call-ids';
import { takesImages } from './images/image-models';
import { createImageMiddleware } from './images/image-prompt';

export type { ModelApi } from './history-origin';

/** Provider-specific request options, such as enabling parallel tool calls. */
export type ProviderOptions = NonNullable<Parameters<typeof streamText>[0]['providerOptions']>;

/** Where the model lives. */
export interface ModelSettings {
  /** Model id, e.g. "gpt-5.4" or "qwen3-coder" on a local server. */
  model: string;
  /** An OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp, OpenRouter, a proxy, Azure OpenAI); OpenAI itself when absent. */
  baseUrl?: string;
  apiKey?: string;
  /** OpenAI's Responses API, or Chat Completions (which every local server speaks): Responses without a base URL, Chat Completions with one. */
  api?: ModelApi;
  /** Which client speaks Chat Completions: OpenAI's own, or the generic compatible one (the default with a base URL). */
  provider?: 'openai' | 'openai-compatible';
  /** The demo model streams with pauses so its panels can be watched; headless runs turn them off. */
  isPaced?: boolean;
  /** Cut (and retry) a response after this long without a byte from the server; 90 s when absent. */
  stallTimeoutMs?: number;
  /** Asked of models and servers that take it; others get nothing extra. */
  reasoningEffort?: ReasoningEffort;
  /**
   * The conversation's key for the server's prompt cache (the session's id), read at each request;
   * the Responses API gets it as `prompt_cache_key`. When absent or undefined, a key of this model's own.
   */
  promptCacheKey?: () => string | undefined;
  /** The `images` setting: send images to this model (true) or notes instead (false); by model id when absent. */
  images?: boolean;
}

export const DEFAULT_MODEL = 'gpt-5.4';

/** A model ready to talk to, with its id and request options (what /model switches between). */
export interface ModelChoice {
  modelId: string;
  /** Carries its own request options (parallel tool calls, reasoning, caching), so any agent can use it as it is. */
  model: LanguageModel;
  /** Request options to add over the model's own; none by default. */
  providerOptions?: ProviderOptions;
  /** Set only where shoal knows who bills the model and at what price. */
  price?: ModelPrice;
  /** True when images are sent to this model (see `takesImages`); absent means no. */
  isTakingImages?: boolean;
}
const COMPATIBLE_PROVIDER = 'compatible';

/**
 * Creates the language model ("demo" is shoal's offline model): OpenAI through
 * its Responses API, or any server through Chat Completions, wrapped so its
 * history stays valid across servers and models (see history-origin.ts) and
 * its request options travel with it. Only the client in use is loaded:
 * OpenAI's alone is half a megabyte of code to start.
 */
export async function createModel(settings: ModelSettings): Promise<Omit<ModelChoice, 'modelId'>> {
  if (settings.model === DEMO_MODEL_ID) {
    return { model: createDemoModel({ pacing: settings.isPaced === false ? false : undefined }) };
  }
  const api = settings.api ?? (settings.baseUrl ? 'chat' : 'responses');
  const client = api === 'responses' ? 'openai' : (settings.provider ?? (settings.baseUrl ? 'openai-compatible' : 'openai'));
  const modelId = settings.model;
  // Every request goes through shoal's fetch: Chat Completions history shaped for the server's rules, stalls cut.
  const fetch = createModelFetch({
    rules: api === 'chat' ? requestRulesFor({ baseUrl: settings.baseUrl, modelId }) : { reasoningContent: 'keep' },
    stallTimeoutMs: settings.stallTimeoutMs,
  });
  const effort = { baseUrl: settings.baseUrl, modelId, effort: settings.reasoningEffort };
  let model: LanguageModelV4;
  let requestOptions: () => SharedV4ProviderOptions;
  if (client === 'openai-compatible') {
    if (!settings.baseUrl) throw new Error('An OpenAI-compatible provider needs a base URL.');
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
    const compatible = createOpenAICompatible({ name: COMPATIBLE_PROVIDER, baseURL: settings.baseUrl, apiKey: settings.apiKey, includeUsage: true, fetch });
    model = compatible.chatModel(modelId);
    // Unknown keys under the provider's name go into the request body as they are.
    const options = { [COMPATIBLE_PROVIDER]: { parallel_tool_calls: true, ...reasoningEffortOptions({ ...effort, provider: client }) } };
    requestOptions = () => options as SharedV4ProviderOptions;
  } else {
    const { createOpenAI } = await import('@ai-sdk/openai');
    const openai = createOpenAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl, fetch });
    if (api === 'responses') {
      model = openai.responses(modelId);
      const ownKey = randomUUID();
      requestOptions = () => ({ openai: responsesOptions({ modelId, effort: settings.reasoningEffort, promptCacheKey: settings.promptCacheKey?.() ?? ownKey }) });
    } else {
      model = openai.chat(modelId);
      const options = { openai: { parallelToolCalls: true, ...reasoningEffortOptions({ ...effort, provider: client }) } };
      requestOptions = () => options as SharedV4ProviderOptions;
    }
  }
  const middleware = createOriginMiddleware({
    origin: originOf({ api, baseUrl: settings.baseUrl, modelId }),
    isMappingAll: requiresPortableIds({ baseUrl: settings.baseUrl, modelId }),
    requestOptions,
  });
  const isTakingImages = takesImages({ modelId, setting: settings.images });
  const price = priceFor({ modelId, baseUrl: settings.baseUrl });
  return {
    model: wrapLanguageModel({ model, middleware: [middleware, createImageMiddleware({ api, isTakingImages })] }),
    isTakingImages,
    ...(price ? { price } : {}),
  };
}

/**
 * The Responses API's options: nothing stored at OpenAI, so each request
 * carries the turn's reasoning back in full (its encrypted content, asked for
 * whenever the model reasons and never otherwise: a model that does not
 * reason refuses it), summaries of that reasoning streamed, one cache key
 * for the conversation, calls in parallel.
 */
function responsesOptions(options: { modelId: string; effort?: ReasoningEffort; promptCacheKey: string }): SharedV4ProviderOptions[string] {
  const base = { store: false, parallelToolCalls: true, promptCacheKey: options.promptCacheKey };
  if (!isOpenAIReasoningModel({ modelId: options.modelId, effort: options.effort })) return base;
  return {
    ...base,
    // The SDK judges reasoning by its own table of model names; a deployment's name is not in it.
    forceReasoning: true,
    include: ['reasoning.encrypted_content'],
    reasoningSummary: 'auto',
    ...(options.effort ? { reasoningEffort: options.effort } : {}),
  };
}
