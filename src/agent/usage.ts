import type { Usage } from './nodes';

/** Usage before any model call: no tokens, and no cost yet. */
export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0 };

/**
 * `total` plus one call's (or another sum's) `usage`. A cost is kept only while
 * every part of the sum had one: a single unpriced call makes the total's cost
 * unknown, never a guess that is too low.
 */
export function addUsage(total: Usage, usage: Usage): Usage {
  const sum: Usage = { inputTokens: total.inputTokens + usage.inputTokens, outputTokens: total.outputTokens + usage.outputTokens };
  if (total.cachedInputTokens !== undefined || usage.cachedInputTokens !== undefined) {
    sum.cachedInputTokens = (total.cachedInputTokens ?? 0) + (usage.cachedInputTokens ?? 0);
  }
  if (total.reasoningTokens !== undefined || usage.reasoningTokens !== undefined) {
    sum.reasoningTokens = (total.reasoningTokens ?? 0) + (usage.reasoningTokens ?? 0);
  }
  if (total.hasUnpricedCall || usage.hasUnpricedCall || usage.costUsd === undefined) sum.hasUnpricedCall = true;
  else sum.costUsd = (total.costUsd ?? 0) + usage.costUsd;
  return sum;
}

/** The sum's cost in US dollars, when every call in it was priced. */
export function knownCost(usage: Usage): number | undefined {
  return usage.hasUnpricedCall ? undefined : usage.costUsd;
}

/** Only the token counts of `usage`, without its cost fields. */
export function tokenCounts(usage: Usage): Usage {
  const { costUsd: _costUsd, hasUnpricedCall: _hasUnpricedCall, ...tokens } = usage;
  return tokens;
}
