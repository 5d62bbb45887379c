import { hostOf } from './chat-request';

/** How hard a reasoning model thinks before it answers, from none to high. */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** Where the effort goes: OpenAI's own client, or the compatible one at `baseUrl`. */
export interface EffortTarget {
  provider: 'openai' | 'openai-compatible';
  baseUrl?: string;
  modelId: string;
  effort?: ReasoningEffort;
}

// OpenAI refuses `reasoning_effort` for models that do not reason (gpt-4.1, gpt-4o): only the o-series and gpt-5
// family take it, and not the gpt-5 "chat" models (the same family test as @ai-sdk/openai's model table).
const OPENAI_REASONING_MODEL = /^(o\d|gpt-5(?!.*-chat))/;
const OPENAI_PLAIN_MODEL = /^(gpt-[34]|gpt-5.*-chat|chatgpt-)/;

// Known not to take it: DeepSeek thinks by model (deepseek-reasoner), not by effort; Mistral refuses unknown fields.
const HOSTS_WITHOUT_EFFORT = new Set(['api.deepseek.com', 'api.mistral.ai']);

/**
 * The request options (merged under the provider's own key) that ask for
 * `effort`, or `{}` when no effort is set or the model or server takes none,
 * so a model that cannot reason gets nothing extra.
 */
export function reasoningEffortOptions(target: EffortTarget): Record<string, unknown> {
  const { effort } = target;
  if (effort === undefined) return {};
  if (target.provider === 'openai') return isOpenAIReasoningModel(target) ? { reasoningEffort: effort } : {};
  const host = hostOf(target.baseUrl);
  if (host !== undefined && HOSTS_WITHOUT_EFFORT.has(host)) return {};
  // OpenRouter normalises reasoning across its models in one object of its own.
  if (host === 'openrouter.ai') return { reasoning: { effort } };
  // Groq, Cerebras, vLLM and Ollama's /v1 read the Chat Completions field; servers that know none ignore it.
  return { reasoningEffort: effort };
}

/**
 * Whether a model behind OpenAI's client reasons: the o-series and gpt-5 do,
 * OpenAI's other families (gpt-4o, gpt-4.1, gpt-5 "chat") do not; any other
 * name (an Azure deployment, a proxy's alias) reasons when an effort is set for it.
 */
export function isOpenAIReasoningModel(target: { modelId: string; effort?: ReasoningEffort }): boolean {
  if (OPENAI_REASONING_MODEL.test(target.modelId)) return true;
  if (OPENAI_PLAIN_MODEL.test(target.modelId)) return false;
  return target.effort !== undefined && target.effort !== 'none';
}
