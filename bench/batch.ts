import { createRegistry } from '../src/tools/registry';
import { ofType } from '../test/helpers/collect';
import { createFakeTool } from '../test/helpers/fake-tools';
import { createScriptedModel } from '../test/helpers/scripted-model';
import { formatMs, formatRatio, median, repeat, runLoop } from './measure';
import type { Row } from './table';

const LATENCY_MS = 100;
const RUNS = 7;

/** One batch shape and its target wall time. */
interface BatchCase {
  calls: number;
  concurrency: number;
  /** The most the batch's wall time may be. */
  targetMs: number;
  targetText: string;
}

const CASES: BatchCase[] = [
  { calls: 1, concurrency: 8, targetMs: LATENCY_MS + 15, targetText: '≤ L + 15 ms' },
  { calls: 4, concurrency: 8, targetMs: LATENCY_MS + 15, targetText: '≤ L + 15 ms' },
  { calls: 8, concurrency: 8, targetMs: LATENCY_MS + 15, targetText: '≤ L + 15 ms' },
  { calls: 32, concurrency: 8, targetMs: 4 * LATENCY_MS + 30, targetText: '≤ 4 × L + 30 ms' },
];

/**
 * The wall time of one read-only batch: a scripted response with `calls` reads
 * of `latencyMs` each, through the real `runAgent`, read off the batch's
 * `phase-end` node.
 */
export async function runBatchOnce(options: { calls: number; latencyMs: number; concurrency: number }): Promise<number> {
  const tools = createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs: options.latencyMs })]);
  const model = createScriptedModel([
    { calls: Array.from({ length: options.calls }, (_, index) => ({ toolName: 'read_file', input: { label: `file-${index}` } })) },
    { text: 'done' },
  ]);
  const nodes = await runLoop({ model, tools, prompt: 'read them all', concurrency: options.concurrency });
  const phase = ofType(nodes, 'phase-end').find((node) => node.phase === 'read-only');
  if (!phase) throw new Error(`The batch of ${options.calls} never ended: ${ofType(nodes, 'run-end')[0]?.error ?? 'no run-end'}`);
  return phase.durationMs;
}

/** Figure 1: batch wall time against one call's latency, and the speed-up over running the calls one after another. */
export async function measureBatch(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const batch of CASES) {
    const walls = await repeat(RUNS, () => runBatchOnce({ calls: batch.calls, latencyMs: LATENCY_MS, concurrency: batch.concurrency }));
    const wall = median(walls);
    const speedup = (batch.calls * LATENCY_MS) / wall;
    const cap = batch.calls > batch.concurrency ? `, cap ${batch.concurrency}` : '';
    rows.push({
      group: 'batch',
      figure: `read batch: ${batch.calls} × ${LATENCY_MS} ms calls${cap}`,
      value: `${formatMs(wall)} wall, ${formatRatio(speedup)} vs serial`,
      target: `${batch.targetText} (${batch.targetMs} ms)`,
      isMet: wall <= batch.targetMs,
    });
  }
  return rows;
}
