import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatMs, median, withTempDir } from './measure';
import { overFloorRow, pairedRound } from './floors/over-floor';
import { streamTextFloorArgs } from './floors/programs';
import { EXIT_OVER_BARE_NODE, HEADLESS_RUN_OVER_CLIENT } from './floors/targets';
import { startLoopbackServer, type Reply } from './openai-server';
import { homeEnv } from './startup';
import type { Row } from './table';

const CLI = path.resolve('dist/shoal.js');
const RUNS = 15;
const READS = 4;
const ANSWER = 'All four files hold constants; nothing stands out.';
const PROMPT = 'read the four files in src';

/** One headless run's times: spawn → exit, and the last byte on stdout (the answer's end) → exit. */
interface HeadlessRun {
  totalMs: number;
  tailMs: number;
}

/** The n-th reply of a two-step run: four reads, then the answer (the server numbers requests across runs). */
function twoStepReply(index: number): Reply {
  if (index % 2 === 1) return { text: ANSWER };
  return {
    text: 'Reading the files.',
    toolCalls: Array.from({ length: READS }, (_, call) => ({
      id: `call-${index}-${call}`,
      name: 'read_file',
      arguments: JSON.stringify({ path: `src/file-${call}.ts` }),
    })),
  };
}

/** The environment of a user with no key, no config and no CI: only what the flags say; bench/overlap.ts uses it too. */
export function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(OPENAI_|SHOAL_|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return { ...env, ...homeEnv(home) };
}

/** A finished process: its exit code, what it printed, and its times. */
interface FinishedRun extends HeadlessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node args` once, timing it from spawn to exit and from its last stdout byte to exit. */
async function timeRun(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<FinishedRun> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let lastByteAt = Number.NaN;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    lastByteAt = performance.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  const exitedAt = performance.now();
  return { code, stdout, stderr, totalMs: exitedAt - started, tailMs: exitedAt - lastByteAt };
}

/** Runs `shoal -p` once against `baseUrl`. */
async function runOnce(options: { cwd: string; home: string; baseUrl: string }): Promise<HeadlessRun> {
  const run = await timeRun([CLI, '-p', PROMPT, '--cwd', options.cwd, '--base-url', options.baseUrl, '--model', 'bench-model'], {
    cwd: options.cwd,
    env: cleanEnv(options.home),
  });
  if (run.code !== 0 || !run.stdout.includes(ANSWER) || (run.stderr.match(/✓ read_file/g) ?? []).length !== READS) {
    throw new Error(`The headless run did not read ${READS} files and answer (exit ${run.code}): ${run.stdout.slice(-300)} ${run.stderr.slice(-600)}`);
  }
  return run;
}

/** Runs the minimal `streamText` client once against `baseUrl`: the same two requests, the same four reads. */
async function runFloorOnce(options: { cwd: string; home: string; baseUrl: string }): Promise<HeadlessRun> {
  const run = await timeRun(streamTextFloorArgs({ baseUrl: options.baseUrl, cwd: options.cwd, prompt: PROMPT }), {
    cwd: options.cwd,
    env: cleanEnv(options.home),
  });
  if (run.code !== 0 || !run.stdout.includes(ANSWER)) {
    throw new Error(`The streamText floor did not answer (exit ${run.code}): ${run.stdout.slice(-300)} ${run.stderr.slice(-600)}`);
  }
  return run;
}

/** Bare node printing one line: the floor under the last-byte-to-exit figure. */
async function bareNodeTailOnce(options: { cwd: string; home: string }): Promise<HeadlessRun> {
  const run = await timeRun(['-e', "process.stdout.write('done\\n')"], { cwd: options.cwd, env: cleanEnv(options.home) });
  if (run.code !== 0 || run.stdout !== 'done\n') throw new Error(`Bare node did not print its line (exit ${run.code}): ${run.stderr.slice(-300)}`);
  return run;
}

/** The session files the runs saved must each end with the answer: a fast exit may not cut them short. */
function checkSessionsComplete(home: string, runs: number): void {
  const dir = path.join(home, 'state', 'sessions');
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.jsonl')) : [];
  if (files.length !== runs) throw new Error(`Expected ${runs} saved sessions, found ${files.length} in ${dir}.`);
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    if (!text.endsWith('\n') || !text.includes(ANSWER)) throw new Error(`Session ${file} does not end with the answer: ${text.slice(-300)}`);
  }
}

/**
 * Headless `shoal -p` against an instant loopback server: a two-step run (one
 * turn of four reads, then the answer) from spawn to exit, and how long the
 * process lives after the answer's last byte.
 */
export async function measureHeadless(): Promise<Row[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run bench builds it first).`);
  return withTempDir('headless', async (dir) => {
    const cwd = path.join(dir, 'workspace');
    const home = path.join(dir, 'home');
    await mkdir(path.join(cwd, 'src'), { recursive: true });
    for (let file = 0; file < READS; file++) await writeFile(path.join(cwd, 'src', `file-${file}.ts`), `export const value = ${file};\n`);
    const server = await startLoopbackServer(twoStepReply);
    try {
      // The first runs fill Node's compile cache, as any earlier start on a user's machine has.
      await runOnce({ cwd, home, baseUrl: server.baseUrl });
      await runFloorOnce({ cwd, home, baseUrl: server.baseUrl });
      const runs: HeadlessRun[] = [];
      const floorRuns: HeadlessRun[] = [];
      const bareRuns: HeadlessRun[] = [];
      for (let round = 0; round < RUNS; round++) {
        const pair = await pairedRound(
          round,
          () => runOnce({ cwd, home, baseUrl: server.baseUrl }),
          () => runFloorOnce({ cwd, home, baseUrl: server.baseUrl }),
        );
        runs.push(pair.shoal);
        floorRuns.push(pair.floor);
        bareRuns.push(await bareNodeTailOnce({ cwd, home }));
      }
      checkSessionsComplete(home, RUNS + 1);
      const floorTotals = floorRuns.map((run) => run.totalMs);
      const bareTotal = median(bareRuns.map((run) => run.totalMs));
      return [
        overFloorRow({
          group: 'headless',
          figure: `headless: two-step run, spawn → exit (-p, ${READS} reads, loopback)`,
          paired: { values: runs.map((run) => run.totalMs), floors: floorTotals },
          allowed: HEADLESS_RUN_OVER_CLIENT * median(floorTotals),
          allowedAs: `${HEADLESS_RUN_OVER_CLIENT} × floor`,
          format: formatMs,
          floorName: 'minimal streamText client',
        }),
        overFloorRow({
          group: 'headless',
          figure: 'headless: last answer byte → process exit',
          paired: { values: runs.map((run) => run.tailMs), floors: bareRuns.map((run) => run.tailMs) },
          allowed: EXIT_OVER_BARE_NODE * bareTotal,
          allowedAs: `${EXIT_OVER_BARE_NODE.toFixed(1)} × its spawn → exit, ${formatMs(bareTotal)}`,
          format: formatMs,
          floorName: 'bare node printing a line',
          detail: `streamText client ${formatMs(median(floorRuns.map((run) => run.tailMs)))}; sessions complete`,
        }),
      ];
    } finally {
      await server.close();
    }
  });
}
