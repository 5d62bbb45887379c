import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MB = 1024 * 1024;
const execFileAsync = promisify(execFile);
const MODULE = path.resolve('src/cli/young-generation.ts');

/**
 * The young generation's size in a fresh Node after a stream-like churn (many
 * short-lived objects, some kept a while, in small turns of the event loop as
 * network chunks come), with or without the cap: a fresh
 * process, since the flag it sets is process-wide and the test runner's own
 * young generation has grown already.
 */
async function youngGenerationAfterChurn(capBytes: number | undefined): Promise<number> {
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
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 90_000 });
  return Number(stdout);
}

describe('capYoungGeneration', () => {
  // Two processes of six million objects each, side by side: seconds alone, far more on a busy machine.
  it('stops the young generation growing past the cap, where V8 alone would keep doubling it', { timeout: 120_000 }, async () => {
    const [uncapped, capped] = await Promise.all([youngGenerationAfterChurn(undefined), youngGenerationAfterChurn(8 * MB)]);
    expect(uncapped).toBeGreaterThan(32 * MB);
    // A soft cap: one doubling may happen before the check after a collection runs.
    expect(capped).toBeLessThanOrEqual(16 * MB);
  });
});
