import { describe, expect, it } from 'vitest';
import { addUsage, knownCost, ZERO_USAGE } from '../../src/agent/usage';

describe('addUsage', () => {
  it('sums tokens, cached and reasoning counts, and the cost while every call was priced', () => {
    const sum = addUsage(addUsage(ZERO_USAGE, { inputTokens: 10, outputTokens: 2, cachedInputTokens: 4, costUsd: 0.5 }), {
      inputTokens: 5,
      outputTokens: 1,
      reasoningTokens: 3,
      costUsd: 0.25,
    });
    expect(sum).toEqual({ inputTokens: 15, outputTokens: 3, cachedInputTokens: 4, reasoningTokens: 3, costUsd: 0.75 });
    expect(knownCost(sum)).toBe(0.75);
  });

  it('makes the cost unknown, not lower, once one call had no price', () => {
    const priced = addUsage(ZERO_USAGE, { inputTokens: 10, outputTokens: 2, costUsd: 0.5 });
    const mixed = addUsage(addUsage(priced, { inputTokens: 5, outputTokens: 1 }), { inputTokens: 1, outputTokens: 1, costUsd: 0.1 });
    expect(knownCost(mixed)).toBeUndefined();
    expect(knownCost(ZERO_USAGE)).toBeUndefined();
  });
});
