import type { LanguageModelUsage } from 'ai';
import { costOf, type ModelPrice } from '../models/prices';
import type { Usage } from './nodes';

/**
 * One model call's usage as the SDK reports it (a `finish-step` part's), priced
 * when `price` is known. Every model call shoal makes (a step, a compaction's
 * summary) is counted through here, so the totals read the same fields.
 */
export function usageOfCall(usage: LanguageModelUsage, price: ModelPrice | undefined): Usage {
  return pricedUsage(
    {
      inputTokens: usage.inputTokens ?? 0,
      outputTokens: usage.outputTokens ?? 0,
      cachedInputTokens: cachedInputTokensOf(usage),
      reasoningTokens: usage.outputTokenDetails.reasoningTokens,
    },
    price,
  );
}

/** `usage` without the counts the server did not give, and with its cost when the price is known. */
export function pricedUsage(usage: Usage, price: ModelPrice | undefined): Usage {
  const known = Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined)) as Usage;
  return price ? { ...known, costUsd: costOf(known, price) } : known;
}

/**
 * Cached input tokens as the SDK reads them (`prompt_tokens_details.cached_tokens`), else
 * DeepSeek's own `prompt_cache_hit_tokens`, so its cache hits are not billed at the full price.
 */
function cachedInputTokensOf(usage: LanguageModelUsage): number | undefined {
  const cached = usage.inputTokenDetails.cacheReadTokens;
  if (cached) return cached;
  const hits = usage.raw?.prompt_cache_hit_tokens;
  return typeof hits === 'number' ? hits : cached;
}
