import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createGrepTool, type GrepInput } from '../src/tools/grep';
import { createRegistry } from '../src/tools/registry';
import { ofType } from '../test/helpers/collect';
import { createScriptedModel, type ScriptedStep } from '../test/helpers/scripted-model';
import { formatMs, formatRatio, median, medianRatio, now, runLoop } from './measure';
import type { Row } from './table';
import { PLANTED_PATTERN } from './tree';

const run = promisify(execFile);

/**
 * Four searches a model sends together when it starts on a task: a rare
 * symbol, an error message in ~520 files (capped at the default 200 matches
 * in the result, though rg still prints all of them), a case-insensitive
 * search that finds nothing (every byte read, no literal to skip files by),
 * and a search limited to one extension. None prints thousands of lines, so
 * plain rg and shoal do the same work and the ratio is about the search.
 */
export const TURN_SEARCHES: GrepInput[] = [
  { pattern: PLANTED_PATTERN },
  { pattern: "new Error\\('user token" },
  { pattern: 'TODO|FIXME', ignoreCase: true },
  { pattern: 'registry\\.on\\(', include: '*.tsx' },
];

const RUNS = 11;
const RG_TARGET = 1.1;
const BUILTIN_TARGET = 2;

/** The same search as `rg` on the command line, as a user would type it. */
function ripgrepArgs(input: GrepInput): string[] {
  return [
    '--line-number', '--no-heading', '--color=never',
    ...(input.ignoreCase ? ['--ignore-case'] : []),
    ...(input.include === undefined ? [] : [`--glob=${input.include}`]),
    '--regexp', input.pattern, '.',
  ];
}

/** Milliseconds from spawning the four rg processes at once to the last one's exit. */
async function timeFourRipgreps(cwd: string): Promise<number> {
  const started = performance.now();
  // Exit code 1 is "no matches", a result like any other.
  const search = (input: GrepInput) =>
    run('rg', ripgrepArgs(input), { cwd, maxBuffer: 1024 * 1024 * 1024 }).catch((error: { code?: number }) => {
      if (error.code !== 1) throw error;
    });
  await Promise.all(TURN_SEARCHES.map(search));
  return performance.now() - started;
}

/**
 * One turn through the real loop: a scripted response with the four grep
 * calls, run as one read-only batch. Timed from the response's `step-end` to
 * the loop asking the model again with the four results.
 */
async function timeTurn(cwd: string, backend: 'auto' | 'builtin'): Promise<{ ms: number; summaries: string[] }> {
  let resultsSentAt = 0;
  const model = createScriptedModel((_, index): ScriptedStep => {
    if (index === 0) return { calls: TURN_SEARCHES.map((input) => ({ toolName: 'grep', input })) };
    resultsSentAt = now();
    return { text: 'done' };
  });
  const tools = createRegistry([createGrepTool({ cwd, backend })]);
  const nodes = await runLoop({ model, tools, prompt: 'find where errors are thrown' });
  const stepEnd = ofType(nodes, 'step-end').find((node) => node.step === 1);
  const ends = ofType(nodes, 'tool-call-end');
  if (!stepEnd || resultsSentAt === 0 || ends.length !== TURN_SEARCHES.length) {
    throw new Error(`The search turn did not run its ${TURN_SEARCHES.length} calls: ${ofType(nodes, 'run-end')[0]?.error ?? 'no run-end'}`);
  }
  return { ms: resultsSentAt - stepEnd.time, summaries: ends.map((node) => node.summary) };
}

/**
 * Figure 4b: a turn of four real searches over the generated tree, through
 * rg (auto) and the built-in search, against the four rg processes run in
 * parallel, all interleaved round by round so load drift hits each alike.
 */
export async function measureSearchTurn(cwd: string, hasRipgrep: boolean): Promise<Row[]> {
  const times = { rg: [] as number[], auto: [] as number[], builtin: [] as number[] };
  let summaries: string[] = [];
  for (let round = -1; round < RUNS; round++) {
    const measured: Partial<Record<keyof typeof times, number>> = {};
    const contenders: (keyof typeof times)[] = hasRipgrep ? ['rg', 'auto', 'builtin'] : ['builtin'];
    // The order flips every round and auto stays next to rg, so neither side always runs after the other.
    if (round % 2 !== 0) contenders.reverse();
    for (const contender of contenders) {
      if (contender === 'rg') {
        measured.rg = await timeFourRipgreps(cwd);
        continue;
      }
      const turn = await timeTurn(cwd, contender);
      measured[contender] = turn.ms;
      if (contender === 'builtin') summaries = turn.summaries;
    }
    if (round < 0) continue;
    for (const contender of contenders) times[contender].push(measured[contender]!);
  }
  const rg = median(times.rg);
  const auto = median(times.auto);
  const builtin = median(times.builtin);
  const autoRatio = medianRatio(times.auto, times.rg);
  const builtinRatio = medianRatio(times.builtin, times.rg);
  const found = summaries.join('; ');
  if (!hasRipgrep) {
    return [
      { group: 'tools', figure: 'turn of 4 searches, no rg (built-in)', value: `${formatMs(builtin)} (${found}); rg not on PATH: comparison skipped`, target: `≤ ${BUILTIN_TARGET} × 4 rg in parallel` },
    ];
  }
  return [
    { group: 'tools', figure: 'turn of 4 searches: 4 rg processes in parallel', value: `${formatMs(rg)} (median of ${RUNS})`, target: '(reference)' },
    {
      group: 'tools',
      figure: 'turn of 4 searches through the loop, rg on PATH',
      value: `${formatMs(auto)}, ${formatRatio(autoRatio)} 4 rg (median ratio of ${RUNS} rounds; ${found})`,
      target: `≤ ${RG_TARGET} × 4 rg in parallel`,
      isMet: autoRatio <= RG_TARGET,
    },
    {
      group: 'tools',
      figure: 'turn of 4 searches through the loop, no rg (built-in)',
      value: `${formatMs(builtin)}, ${formatRatio(builtinRatio)} 4 rg (median ratio of ${RUNS} rounds)`,
      target: `≤ ${BUILTIN_TARGET} × 4 rg in parallel`,
      isMet: builtinRatio <= BUILTIN_TARGET,
    },
  ];
}
