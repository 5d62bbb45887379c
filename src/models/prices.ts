import { hostOf } from './chat-request';

/** US dollars per million tokens, and where and when that price was read. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
  /** The page the price comes from and the date it was known to hold, e.g. "openai.com/api/pricing, 2025-08". */
  source: string;
}

/** Token counts that a price applies to (a step's `Usage` has this shape). */
export interface PricedTokens {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the server's prompt cache; part of `inputTokens`, billed at the cached price. */
  cachedInputTokens?: number;
}

const OPENAI = 'openai.com/api/pricing';
const DEEPSEEK = 'api-docs.deepseek.com/quick_start/pricing';

/** OpenAI's list prices of exact model ids (a dated snapshot may differ, so it is not matched). */
const OPENAI_PRICES: Record<string, ModelPrice> = {
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10, source: `${OPENAI}, 2025-08` },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2, source: `${OPENAI}, 2025-08` },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4, source: `${OPENAI}, 2025-08` },
  'gpt-5.1': { input: 1.25, cachedInput: 0.125, output: 10, source: `${OPENAI}, 2025-11` },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8, source: `${OPENAI}, 2025-04` },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6, source: `${OPENAI}, 2025-04` },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4, source: `${OPENAI}, 2025-04` },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10, source: `${OPENAI}, 2025-04` },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6, source: `${OPENAI}, 2025-04` },
  o3: { input: 2, cachedInput: 0.5, output: 8, source: `${OPENAI}, 2025-06` },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4, source: `${OPENAI}, 2025-04` },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4, source: `${OPENAI}, 2025-02` },
};

/** DeepSeek's own API: both ids run V3.2 at one price since 2025-09-29. */
const DEEPSEEK_PRICES: Record<string, ModelPrice> = {
  'deepseek-chat': { input: 0.28, cachedInput: 0.028, output: 0.42, source: `${DEEPSEEK}, 2025-09-29` },
  'deepseek-reasoner': { input: 0.28, cachedInput: 0.028, output: 0.42, source: `${DEEPSEEK}, 2025-09-29` },
};

/**
 * The price of `modelId` where shoal knows who bills it: OpenAI's own API,
 * DeepSeek's, or OpenRouter's `openai/...` ids (which it bills at OpenAI's list
 * price). A model served anywhere else (Ollama, vLLM, a proxy) is not priced,
 * even when named like an OpenAI model: no price, no cost shown.
 */
export function priceFor(options: { modelId: string; baseUrl?: string }): ModelPrice | undefined {
  const host = hostOf(options.baseUrl);
  if (host === undefined || host === 'api.openai.com') return own(OPENAI_PRICES, options.modelId);
  if (host === 'api.deepseek.com') return own(DEEPSEEK_PRICES, options.modelId);
  if (host === 'openrouter.ai' && options.modelId.startsWith('openai/')) {
    const price = own(OPENAI_PRICES, options.modelId.slice('openai/'.length));
    return price && { ...price, source: `${price.source} (OpenRouter passes it through)` };
  }
  return undefined;
}

/** What `tokens` cost at `price`, in US dollars: cached input at the cached price, the rest of the input at full price. */
export function costOf(tokens: PricedTokens, price: ModelPrice): number {
  const cached = Math.min(tokens.cachedInputTokens ?? 0, tokens.inputTokens);
  return ((tokens.inputTokens - cached) * price.input + cached * price.cachedInput + tokens.outputTokens * price.output) / 1_000_000;
}

/** "$0.0123": four decimals below a dollar, where a turn's cost usually is; cents above. */
export function formatCost(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

function own(table: Record<string, ModelPrice>, key: string): ModelPrice | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
