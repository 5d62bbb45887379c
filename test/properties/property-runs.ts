import type fc from 'fast-check';

/** Cases each property runs by default: enough to matter, small enough for `npm test` on two cores. */
export const DEFAULT_PROPERTY_RUNS = 200;

/**
 * fast-check parameters for one property: `SHOAL_PROPERTY_RUNS` cases when set
 * (e.g. 2000 for a long soak), and `SHOAL_PROPERTY_SEED` to replay a reported failure.
 */
export function propertyParameters<T>(): fc.Parameters<T> {
  const runs = Number(process.env.SHOAL_PROPERTY_RUNS);
  const seed = Number(process.env.SHOAL_PROPERTY_SEED);
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : DEFAULT_PROPERTY_RUNS,
    ...(Number.isInteger(seed) ? { seed } : {}),
  };
}

/** A vitest timeout for a property: generous per case, so a larger run count does not time out first. */
export function propertyTimeoutMs(msPerCase: number): number {
  return Math.max(60_000, propertyParameters().numRuns! * msPerCase);
}

/**
 * Bounds the time fast-check spends shrinking a failure: once a case has failed
 * and `SHOAL_PROPERTY_SHRINK_MS` (default 20 s) has passed, later candidates are
 * not run, so the smallest failure found so far is reported. A failure that
 * depends on timing can make shrinking try thousands of candidates otherwise.
 * Only runs after a failure are cut short: it cannot hide one.
 */
export function withShrinkBudget<Args extends unknown[]>(check: (...args: Args) => Promise<void>): (...args: Args) => Promise<void> {
  const budgetMs = Number(process.env.SHOAL_PROPERTY_SHRINK_MS) || 20_000;
  let firstFailure: number | undefined;
  return async (...args) => {
    if (firstFailure !== undefined && performance.now() - firstFailure > budgetMs) return;
    try {
      await check(...args);
    } catch (error) {
      firstFailure ??= performance.now();
      throw error;
    }
  };
}
