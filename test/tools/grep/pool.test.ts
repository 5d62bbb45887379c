import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrepTool } from '../../../src/tools/grep';
import { createSearchPool, type SearchPool } from '../../../src/tools/grep/pool';
import type { SearchJob } from '../../../src/tools/grep/search';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

/** A lookahead keeps V8 on its backtracking engine: on this line the test takes minutes. */
const STUCK_PATTERN = '^(?=(a+)+$)';
const STUCK_LINE = `${'a'.repeat(36)}!`;

const pools: SearchPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function createPool(options: { size: number; idleMs?: number }): SearchPool {
  const pool = createSearchPool(options);
  pools.push(pool);
  return pool;
}

function job(root: string, paths: string[], source: string, deadline = Date.now() + 60_000): SearchJob {
  return { root, paths, source, flags: '', contextLines: 0, maxResults: 100, deadline };
}

describe('the search pool', () => {
  it('stops a thread stuck on one line at the time limit, and searches on with a new one', async () => {
    const cwd = await createTempWorkspace({ 'evil.txt': `${STUCK_LINE}\n`, 'plain.txt': 'needle\n' });
    const grep = createGrepTool({ cwd, backend: 'builtin', timeLimitMs: 200 });
    const started = performance.now();
    const stuck = await grep.execute({ pattern: STUCK_PATTERN }, context);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(stuck.output).toContain('[Search stopped after 0.2 s; results are partial.');
    // The next search, through the same process-wide pool, has time to spare: a busy machine starts a thread slowly.
    const patient = createGrepTool({ cwd, backend: 'builtin', timeLimitMs: 30_000 });
    expect((await patient.execute({ pattern: 'needle' }, context)).output).toBe('plain.txt:1:needle');
  });

  it('rejects at once on abort, even mid-line, stopping that thread', async () => {
    const cwd = await createTempWorkspace({ 'evil.txt': `${STUCK_LINE}\n`, 'plain.txt': 'needle\n' });
    const pool = createPool({ size: 1 });
    const controller = new AbortController();
    const running = pool.run(job(cwd, ['evil.txt'], STUCK_PATTERN), controller.signal);
    setTimeout(() => controller.abort(new Error('user pressed escape')), 100);
    const started = performance.now();
    await expect(running).rejects.toThrow('user pressed escape');
    // The line alone would take minutes.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(pool.liveCount).toBe(0);
    const next = await pool.run(job(cwd, ['plain.txt'], 'needle'), context.signal);
    expect(next.lines).toEqual([{ path: 'plain.txt', line: 1, text: 'needle', isMatch: true }]);
  });

  it('runs no more jobs at once than its size, queueing the rest in order', async () => {
    const cwd = await createTempWorkspace(
      Object.fromEntries(Array.from({ length: 6 }, (_, index) => [`f${index}.txt`, `hit ${index}\n`])),
    );
    const pool = createPool({ size: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => pool.run(job(cwd, [`f${index}.txt`], 'hit'), context.signal)),
    );
    expect(pool.liveCount).toBe(2);
    expect(results.map((result) => result.lines[0]?.text)).toEqual(['hit 0', 'hit 1', 'hit 2', 'hit 3', 'hit 4', 'hit 5']);
  });

  it('gives idle threads back after a while', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'hit\n' });
    const pool = createPool({ size: 1, idleMs: 50 });
    await pool.run(job(cwd, ['a.txt'], 'hit'), context.signal);
    expect(pool.liveCount).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.liveCount).toBe(0);
  });

  it('gives idle threads back after one was stopped mid-job', async () => {
    const cwd = await createTempWorkspace({ 'evil.txt': `${STUCK_LINE}\n`, 'plain.txt': 'needle\n' });
    const pool = createPool({ size: 2, idleMs: 50 });
    const controller = new AbortController();
    const stuck = pool.run(job(cwd, ['evil.txt'], STUCK_PATTERN), controller.signal);
    await pool.run(job(cwd, ['plain.txt'], 'needle'), context.signal);
    controller.abort(new Error('stop'));
    await expect(stuck).rejects.toThrow('stop');
    expect(pool.liveCount).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.liveCount).toBe(0);
  });

  it('treats a file that cannot be read as holding no match', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'hit\n' });
    const pool = createPool({ size: 1 });
    const result = await pool.run(job(path.join(cwd, 'gone'), ['a.txt'], 'hit'), context.signal);
    // Named with its error: the caller leaves out the ones that are gone and notes the rest.
    expect(result).toEqual({ lines: [], matchCount: 0, isTimedOut: false, skippedLargeFiles: [], unreadableFiles: [{ path: 'a.txt', code: 'ENOENT' }] });
  });
});
