import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MB = 1024 * 1024;
const MODULE = path.resolve('src/cli/young-generation.ts');

/**
 * The young generation's size in a fresh Node after a stream-like churn (many
 * short-lived objects, some kept a while, in small turns of the event loop as
 * network chunks come), with or without the cap: a fresh
 * process, since the flag it sets is process-wide and the test runner's own
 * young generation has grown already.
 */
function youngGenerationAfterChurn(capBytes: number | undefined): number {
  const script = `
    import { capYoungGeneration, youngGenerationBytes } from ${JSON.stringify(MODULE)};
    if (${capBytes !== undefined}) capYoungGeneration(${capBytes ?? 0});
    const kept = [];
    for (let round = 0; round < 600; round++) {
      for (let index = 0; index < 10_000; index++) {
        kept.push({ index, text: 'piece ' + index });
        if (kept.length > 150_000) kept.splice(0, 50_000);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(String(youngGenerationBytes()));
  `;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }));
}

describe('capYoungGeneration', () => {
  it('stops the young generation growing past the cap, where V8 alone would keep doubling it', () => {
    const uncapped = youngGenerationAfterChurn(undefined);
    const capped = youngGenerationAfterChurn(8 * MB);
    expect(uncapped).toBeGreaterThan(32 * MB);
    // A soft cap: one doubling may happen before the check after a collection runs.
    expect(capped).toBeLessThanOrEqual(16 * MB);
  });
});
