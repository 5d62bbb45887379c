import { describe, expect, it } from 'vitest';
import { costOf, formatCost, priceFor } from '../../src/models/prices';

describe('priceFor', () => {
  it('prices a well-known model on OpenAI itself, naming where the price comes from', () => {
    const price = priceFor({ modelId: 'gpt-4.1' });
    expect(price).toMatchObject({ input: 2, cachedInput: 0.5, output: 8 });
    expect(price!.source).toMatch(/openai\.com\/api\/pricing, \d{4}-\d{2}/);
    expect(priceFor({ modelId: 'deepseek-chat', baseUrl: 'https://api.deepseek.com/v1' })?.source).toContain('deepseek.com');
    expect(priceFor({ modelId: 'openai/gpt-4o', baseUrl: 'https://openrouter.ai/api/v1' })).toMatchObject({ input: 2.5 });
  });

  it('prices nothing it does not know: an unknown id, a dated snapshot, or an OpenAI name on a local server', () => {
    expect(priceFor({ modelId: 'gpt-7-ultra' })).toBeUndefined();
    expect(priceFor({ modelId: 'gpt-4o-2024-05-13' })).toBeUndefined();
    expect(priceFor({ modelId: 'gpt-4.1', baseUrl: 'http://127.0.0.1:11434/v1' })).toBeUndefined();
    expect(priceFor({ modelId: 'deepseek-chat', baseUrl: 'https://openrouter.ai/api/v1' })).toBeUndefined();
    expect(priceFor({ modelId: 'toString' })).toBeUndefined();
  });
});

describe('costOf', () => {
  it('bills cached input at the cached price and the rest at the full one', () => {
    const price = priceFor({ modelId: 'gpt-4.1' })!;
    // 600k uncached at $2, 400k cached at $0.50, 100k out at $8: 1.2 + 0.2 + 0.8.
    expect(costOf({ inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 }, price)).toBeCloseTo(2.2, 10);
    expect(formatCost(0.012345)).toBe('$0.0123');
    expect(formatCost(2.2)).toBe('$2.20');
  });
});
