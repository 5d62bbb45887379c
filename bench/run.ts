import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { measureBatch } from './batch';
import { measureCheckpoints } from './checkpoints';
import { measureContext } from './context';
import { measureEdits } from './edits';
import { measureHeadless } from './headless';
import { onCleanup, runCleanups } from './cleanup';
import { measureMcp } from './mcp';
import { measureOverhead } from './overhead';
import { measureOverlap } from './overlap';
import { measurePicker } from './picker';
import { measureResearch } from './research';
import { measureStartup } from './startup';
import { formatMarkdown, formatText, type Row } from './table';
import { measureTools } from './tools';
import { measureTui } from './tui';
import { measureWriteMemory } from './write-memory';

/** One measurement: it runs in its own process, so timers, memory and CPU figures of one never touch another. */
interface Measurement {
  name: string;
  run: () => Promise<Row[]>;
  /** Killed (and reported as an error) past this: room for a load of 15 on 2 cores, and for writing a search tree the first time. */
  timeoutMs: number;
}

/**
 * In this order on purpose: the figures timed from a process's spawn
 * (headless, start-up) come right after the light in-process sections.
 * Measured here, after a heavy section (the 20,000-file trees, the 500-call
 * sessions) a process takes about 10% longer to start for some ten seconds
 * (`node -e ''` 24 → 26-27 ms), which moved the headless run from ~228 to
 * ~248 ms. They and the sections after them judge by a reference or floor
 * measured in the same rounds, which that moves as well.
 */
const MEASUREMENTS: Measurement[] = [
  { name: 'batch', run: measureBatch, timeoutMs: 30_000 },
  { name: 'research', run: measureResearch, timeoutMs: 30_000 },
  { name: 'overhead', run: measureOverhead, timeoutMs: 30_000 },
  { name: 'context', run: measureContext, timeoutMs: 60_000 },
  { name: 'edits', run: measureEdits, timeoutMs: 30_000 },
  { name: 'headless', run: measureHeadless, timeoutMs: 120_000 },
  { name: 'startup', run: measureStartup, timeoutMs: 180_000 },
  { name: 'mcp', run: measureMcp, timeoutMs: 180_000 },
  { name: 'overlap', run: measureOverlap, timeoutMs: 60_000 },
  { name: 'tools', run: measureTools, timeoutMs: 240_000 },
  { name: 'tui', run: measureTui, timeoutMs: 180_000 },
  { name: 'picker', run: measurePicker, timeoutMs: 120_000 },
  { name: 'checkpoints', run: measureCheckpoints, timeoutMs: 180_000 },
  { name: 'write-memory', run: measureWriteMemory, timeoutMs: 180_000 },
];

const root = process.cwd();

/** `bench.mjs [name...]` runs the named measurements (all by default); `--measure NAME --out FILE` is one child's job. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const measureIndex = args.indexOf('--measure');
  if (measureIndex !== -1) return runChild(args[measureIndex + 1]!, args[args.indexOf('--out') + 1]!);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      runCleanups();
      process.exit(130);
    });
  }
  const started = performance.now();
  const load = loadavg()[0]!;
  const chosen = args.length > 0 ? MEASUREMENTS.filter((measurement) => args.includes(measurement.name)) : MEASUREMENTS;
  const rows: Row[] = [];
  let failures = 0;
  for (const measurement of chosen) {
    const before = performance.now();
    process.stderr.write(`bench: ${measurement.name}…`);
    const result = await runInChild(measurement);
    rows.push(...result.rows);
    if (result.hasFailed) failures += 1;
    process.stderr.write(` ${((performance.now() - before) / 1000).toFixed(1)} s\n`);
  }
  const total = (performance.now() - started) / 1000;
  const text = formatText(rows);
  const line = summary(rows, { seconds: total, load });
  process.stdout.write(`\n${text}\n\n${line}\n`);
  if (chosen.length === MEASUREMENTS.length) {
    writeFileSync(path.join(root, 'bench', 'last-results.md'), markdownReport(rows, line));
    process.stdout.write('Written to bench/last-results.md\n');
  }
  // A missed target is a result, not a failure; a measurement that could not run is.
  process.exitCode = failures > 0 ? 1 : 0;
}

/** Runs one measurement in a child process and reads back its rows; a crash or timeout becomes a "not met" error row. */
function runInChild(measurement: Measurement): Promise<{ rows: Row[]; hasFailed: boolean }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-bench-rows-'));
  const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'rows.json');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--measure', measurement.name, '--out', out], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = onCleanup(() => child.kill('SIGTERM'));
  let isTimedOut = false;
  const timer = setTimeout(() => {
    isTimedOut = true;
    child.kill('SIGTERM');
  }, measurement.timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      stop();
      let rows: Row[];
      let hasFailed = false;
      try {
        rows = JSON.parse(readFileSync(out, 'utf8')) as Row[];
      } catch {
        hasFailed = true;
        const why = isTimedOut ? `timed out after ${measurement.timeoutMs / 1000} s` : signal ? `killed by ${signal}` : `exit ${code}`;
        const message = stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
        rows = [{ group: measurement.name, figure: `${measurement.name}: failed`, value: `${why}: ${message}`.slice(0, 160), target: '', isMet: false }];
        if (stderr.trim()) process.stderr.write(`\n${stderr.trim()}\n`);
      }
      removeDir();
      resolve({ rows, hasFailed });
    });
  });
}

/** The child's side: runs one measurement and writes its rows as JSON. */
async function runChild(name: string, out: string): Promise<void> {
  const measurement = MEASUREMENTS.find((candidate) => candidate.name === name);
  if (!measurement) throw new Error(`No measurement named ${name}.`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      runCleanups();
      process.exit(1);
    });
  }
  try {
    const rows = await measurement.run();
    writeFileSync(out, JSON.stringify(rows));
  } finally {
    runCleanups();
  }
  // Leftover handles (an idle keep-alive socket, a timer) must not keep the child alive.
  process.exit(0);
}

/** "11 of 15 targets met · 2 cores, load 1.3 at start · Node 24.21.0 · 95 s": a shared machine's load explains drift. */
function summary(rows: readonly Row[], run: { seconds: number; load: number }): string {
  const judged = rows.filter((row) => row.isMet !== undefined);
  const met = judged.filter((row) => row.isMet).length;
  return `${met} of ${judged.length} targets met · ${availableParallelism()} cores, load ${run.load.toFixed(1)} at start · Node ${process.versions.node} · ${run.seconds.toFixed(0)} s`;
}

function markdownReport(rows: readonly Row[], line: string): string {
  return [
    '# Benchmark results',
    '',
    `\`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: medians of several runs. ${line}.`,
    '',
    formatMarkdown(rows),
    '',
  ].join('\n');
}

await main();
