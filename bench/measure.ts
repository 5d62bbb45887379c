import { rmSync } from 'node:fs';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LanguageModel } from 'ai';
import { denyAll } from '../src/agent/calls/approval';
import { runAgent } from '../src/agent/loop';
import type { AgentNode } from '../src/agent/nodes';
import type { ToolSource } from '../src/tools/registry';
import { collect } from '../test/helpers/collect';
import { onCleanup } from './cleanup';

/** The clock the loop stamps nodes with. */
export { now } from '../src/agent/text';

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The median of round-by-round ratios `numerators[i] / denominators[i]`: each
 * pair was measured back to back, so a burst of load from another process
 * lands on both sides of one ratio rather than on one side of the medians.
 */
export function medianRatio(numerators: readonly number[], denominators: readonly number[]): number {
  return median(numerators.map((value, index) => value / denominators[index]!));
}

/** Runs `run` once to warm up, then `runs` times in a row, and returns the measured results. */
export async function repeat<T>(runs: number, run: (index: number) => Promise<T>): Promise<T[]> {
  await run(-1);
  const results: T[] = [];
  for (let index = 0; index < runs; index++) results.push(await run(index));
  return results;
}

/** "12.3 ms", or "1.24 s" past ten seconds' worth of digits. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

/** "1.23×". */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a';
}

/** "123.4 MB" (MiB, as /proc reports kB). */
export function formatMegabytes(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : 'n/a';
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Makes a temporary directory (its real path), runs `use` in it and removes it afterwards, even on failure. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), `shoal-bench-${prefix}-`)));
  const remove = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    return await use(dir);
  } finally {
    remove();
  }
}

/** One run of the real loop on a prompt, writes denied (the benchmarks only read), collected into its nodes. */
export function runLoop(options: { model: LanguageModel; tools: ToolSource; prompt: string; instructions?: string; concurrency?: number }): Promise<AgentNode[]> {
  return collect(
    runAgent({
      model: options.model,
      instructions: options.instructions ?? '',
      messages: [{ role: 'user', content: options.prompt }],
      tools: options.tools,
      signal: new AbortController().signal,
      requestApproval: denyAll,
      concurrency: options.concurrency,
    }),
  );
}
