import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The young generation (both semi-spaces) V8 may grow to here: Node's own limit before Node 19. */
export const MAX_YOUNG_GENERATION_BYTES = 32 * 1024 * 1024;

/** V8's default: each growth doubles the semi-spaces. */
const DEFAULT_GROWTH_FACTOR = 2;

/**
 * Keeps V8's young generation near `maxBytes`. A long model stream (a 4 MB
 * write_file arrives as some 250,000 events, each parsed, validated and passed
 * through a dozen web streams) keeps enough objects alive across scavenges
 * that V8 doubles the young generation up to its 128 MB limit, which stays
 * resident until the turn ends: measured, that was most of the peak of such a
 * run. The limit can only be set when Node starts (--max-semi-space-size), so
 * growth is switched off once it reaches `maxBytes` and on again when a
 * collection has shrunk it. A soft cap: the check runs after collections, so
 * one growth may pass it. Returns a function that stops watching.
 */
export function capYoungGeneration(maxBytes = MAX_YOUNG_GENERATION_BYTES): () => void {
  let isGrowing = true;
  const observer = new PerformanceObserver(() => {
    const shouldGrow = youngGenerationBytes() < maxBytes;
    if (shouldGrow === isGrowing) return;
    isGrowing = shouldGrow;
    v8.setFlagsFromString(`--semi-space-growth-factor=${shouldGrow ? DEFAULT_GROWTH_FACTOR : 1}`);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    if (!isGrowing) v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
  };
}

/** The young generation's committed size: both semi-spaces. */
export function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
