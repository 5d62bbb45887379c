import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createIdleMemoryRelease } from '../../src/cli/idle-memory';

const MB = 1024 * 1024;
const heapBytes = () => v8.getHeapStatistics().total_heap_size;

/** Grows the heap by about `megabytes` of objects that are garbage once it returns. */
function churn(megabytes: number): number {
  const kept: number[][] = [];
  for (let index = 0; index < megabytes * 8; index++) kept.push(Array.from({ length: 16 * 1024 }, (_, slot) => slot + index));
  return kept.length;
}

describe('idle memory release', () => {
  it('gives a grown heap back to the system, and skips when the heap has not grown', () => {
    const release = createIdleMemoryRelease();
    expect(release()).toBe(false);
    churn(120);
    const grown = heapBytes();
    expect(release()).toBe(true);
    expect(heapBytes()).toBeLessThan(grown - 60 * MB);
    // The process's own globals gain no `gc`.
    expect('gc' in globalThis).toBe(false);
    expect(release()).toBe(false);
  });
});
