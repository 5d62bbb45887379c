import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { bundleOptions } from '../../scripts/build.mjs';
import { medianDifference, overFloorRow, pairedRound } from '../../bench/floors/over-floor';
import { formatMs } from '../../bench/measure';
import { spawnInPty } from '../../bench/pty';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

let outdir: string;
let entry: string;

beforeAll(async () => {
  // Bundled as bench/run.mjs bundles them, with the CLI's options.
  outdir = await mkdtemp(path.join(tmpdir(), 'shoal-floors-'));
  await build(bundleOptions({ entryPoints: { floors: 'bench/floors/entry.ts' }, outdir, quiet: true }));
  entry = path.join(outdir, 'floors.js');
}, 60_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

describe('the minimal Ink app', () => {
  it('draws a prompt box holding "shoal" in a pseudo-terminal and stays up, echoing keys', async () => {
    const pty = spawnInPty([process.execPath, entry, 'ink'], { cwd: outdir, env: {} });
    try {
      expect(await pty.waitFor(/Ask shoal…/)).toBeGreaterThan(0);
      expect(pty.output()).toMatch(/╭─+╮/);
      pty.type('hi');
      await pty.waitFor(/hi/);
      // Idle in the terminal: resident memory of the program itself, as the bench reads it.
      expect(pty.residentBytes()).toBeGreaterThan(10 * 1024 * 1024);
    } finally {
      pty.kill();
    }
  });
});

describe('the minimal streamText client', () => {
  it('reads the files the model asks for and prints the answer: the two requests of a headless run', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' });
    const server = await startOpenAIServer([
      {
        text: 'Reading.',
        toolCalls: [
          { id: 'call-a', name: 'read_file', arguments: JSON.stringify({ path: 'src/a.ts' }) },
          { id: 'call-b', name: 'read_file', arguments: JSON.stringify({ path: 'src/b.ts' }) },
        ],
      },
      { text: 'Both hold constants.' },
    ]);
    // Not spawnSync: the server answers on this process's event loop.
    const run = await execa(process.execPath, [entry, 'stream-text', server.baseUrl, cwd, 'read src'], { reject: false, timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Both hold constants.');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(['read_file']);
    const results = server.requests[1]!.messages.filter((message: { role: string }) => message.role === 'tool');
    expect(results.map((message: { tool_call_id: string }) => message.tool_call_id)).toEqual(['call-a', 'call-b']);
    expect(JSON.stringify(results)).toContain('export const b = 2;');
  });

  it('says in one line how to call it when an argument is missing', () => {
    const run = spawnSync(process.execPath, [entry, 'stream-text', 'http://127.0.0.1:9/v1'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Usage: entry.js stream-text BASE_URL CWD PROMPT\n');
  });
});

it('names the floors when asked for one it does not have', () => {
  const run = spawnSync(process.execPath, [entry, 'bogus'], { encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe('Unknown floor "bogus": use ink or stream-text.\n');
});

describe('judging a figure over its floor', () => {
  it('takes the median of the round-by-round differences, not the difference of the medians', () => {
    // Medians 300 and 200 (a difference of 100); the rounds' own differences are 40, 50 and 400.
    expect(medianDifference({ values: [240, 300, 700], floors: [200, 250, 300] })).toBe(50);
    expect(() => medianDifference({ values: [1, 2], floors: [1] })).toThrow('2 figures against 1 floors');
  });

  it('meets the target up to the allowed overhead and misses it past it, with both figures beside the difference', () => {
    const row = (values: number[]) =>
      overFloorRow({ group: 'startup', figure: 'first frame', paired: { values, floors: [300, 310, 320] }, allowed: 120, format: formatMs, floorName: 'minimal Ink app' });
    const met = row([420, 430, 440]);
    expect(met).toMatchObject({ isMet: true, target: '≤ floor + 120.0 ms' });
    expect(met.value).toBe('430.0 ms (minimal Ink app 310.0 ms, +120.0 ms; median of 3 paired rounds)');
    expect(row([420, 431, 441]).isMet).toBe(false);
    expect(row([290, 300, 310]).value).toContain('−10.0 ms');
    const scaled = overFloorRow({ group: 'g', figure: 'f', paired: { values: [130], floors: [100] }, allowed: 40, allowedAs: '0.4 × floor', format: formatMs, floorName: 'client' });
    expect(scaled).toMatchObject({ isMet: true, target: '≤ floor + 40.0 ms (0.4 × floor)' });
  });

  it('alternates which of the pair runs first, round by round', async () => {
    const order: string[] = [];
    for (let round = 0; round < 3; round++) {
      const pair = await pairedRound(
        round,
        async () => (order.push('shoal'), 's'),
        async () => (order.push('floor'), 'f'),
      );
      expect(pair).toEqual({ shoal: 's', floor: 'f' });
    }
    expect(order).toEqual(['floor', 'shoal', 'shoal', 'floor', 'floor', 'shoal']);
  });
});
