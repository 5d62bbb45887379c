import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ModelMessage } from 'ai';
import { createContextBudget } from '../src/agent/context/budget';
import { compactHistory } from '../src/agent/context/compact';
import { createBashTool } from '../src/tools/shell/bash';
import { sandboxStatus } from '../src/tools/shell/sandbox';
import { createScriptedModel } from '../test/helpers/scripted-model';
import { execa } from 'execa';
import { onCleanup } from './cleanup';
import { overFloorRow, pairedRound } from './floors/over-floor';
import { SANDBOX_OVER_BUBBLEWRAP } from './floors/targets';
import { formatMs, median, now } from './measure';
import type { Row } from './table';

const SESSION_TOKENS = 100_000;
const COMPACTION_TARGET_MS = 50;
const SANDBOX_RUNS = 31;

/** A session of about `tokens` tokens: steps of text and a read of a 6 KB file each, as a real session reads. */
function sessionOf(tokens: number): ModelMessage[] {
  const messages: ModelMessage[] = [{ role: 'user', content: 'Find where invoices are rounded and fix the off-by-one.' }];
  const file = 'export function round(value: number) { return Math.round(value * 100) / 100; }\n'.repeat(75);
  for (let step = 0; messages.length < tokens / 900; step++) {
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: `Step ${step}: reading the next file to see how it rounds.` },
        { type: 'tool-call', toolCallId: `call_${step}`, toolName: 'read_file', input: { path: `src/file${step}.ts` } },
      ],
    });
    messages.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: `call_${step}`, toolName: 'read_file', output: { type: 'text', value: file } }] });
  }
  return messages;
}

/**
 * Compaction of a 100k-token session: shoal's own work (estimating, clearing,
 * building the summariser's transcript and the new history), the summary's
 * model call aside; and the request size before and after.
 */
async function measureCompaction(): Promise<Row[]> {
  const times: number[] = [];
  let before = 0;
  let after = 0;
  for (let run = 0; run < 7; run++) {
    const messages = sessionOf(SESSION_TOKENS);
    const budget = createContextBudget({ window: { tokens: 128_000, source: 'bench', isKnown: true } });
    let modelMs = 0;
    let calledAt = 0;
    const model = createScriptedModel(() => {
      calledAt = now();
      return { text: '## Goal\nRound invoices correctly.\n## Open work\nFix round().' };
    });
    const started = now();
    const generator = compactHistory({ messages, budget, model, instructions: 'You are shoal.', toolCount: 7, reason: 'requested', step: 0, signal: new AbortController().signal });
    for (;;) {
      const next = await generator.next();
      if (next.done) break;
      if (next.value.type === 'compaction-end') {
        before = next.value.tokensBefore;
        after = next.value.tokensAfter;
      }
      if (next.value.type === 'compaction-end' && calledAt > 0) modelMs = now() - calledAt;
    }
    // The model call: from the summariser's request to the end; what is left is shoal's own work.
    if (run > 0) times.push(now() - started - modelMs);
  }
  const ownMs = median(times);
  return [
    {
      group: 'context',
      figure: 'compaction of a 100k-token session (model call aside)',
      value: `${formatMs(ownMs)} (median of ${times.length})`,
      target: `< ${COMPACTION_TARGET_MS} ms`,
      isMet: ownMs < COMPACTION_TARGET_MS,
    },
    { group: 'context', figure: 'compaction: request size before → after', value: `${Math.round(before / 1000)}k → ${Math.round(after / 1000)}k tokens`, target: '(report)' },
  ];
}

/**
 * A sandboxed command against an unsandboxed one: `true` through the bash
 * tool, interleaved, the median difference of many pairs. Judged over
 * bubblewrap's own cost in the same rounds: the same namespaces and mounts
 * around `bash -c true`, against `bash -c true`, spawned the same way by this
 * process. What is left is shoal's: covering secrets and `.git`, and building
 * the arguments.
 */
async function measureSandbox(): Promise<Row[]> {
  const status = await sandboxStatus();
  const figure = 'sandboxed command: extra time over unsandboxed (`true`)';
  if (!status.isAvailable) return [{ group: 'context', figure, value: `skipped: ${status.note}`, target: 'over bubblewrap alone', isMet: false }];
  const cwd = realpathSync(mkdtempSync(path.join(tmpdir(), 'shoal-bench-sandbox-')));
  onCleanup(() => rmSync(cwd, { recursive: true, force: true }));
  const sandboxed = createBashTool({ cwd });
  const plain = createBashTool({ cwd, sandbox: async () => ({ isAvailable: false, note: 'off for the bench' }) });
  const context = { signal: new AbortController().signal, toolCallId: 'bench', batchId: 'bench', emit: () => {} };
  const time = async (run: () => Promise<unknown>) => {
    const started = now();
    await run();
    return now() - started;
  };
  const viaTool = (tool: typeof plain) => () => time(() => tool.execute({ command: 'true' }, context));
  const bare = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp', '--tmpfs', '/run'];
  const isolated = [...bare, '--unshare-pid', '--unshare-ipc', '--unshare-net', '--die-with-parent', '--new-session', '--bind', cwd, cwd, '--chdir', cwd];
  const bubblewrap = () => time(() => execa('bwrap', [...isolated, '--', 'bash', '-c', 'true'], { cwd, stdin: 'ignore' }));
  const bash = () => time(() => execa('bash', ['-c', 'true'], { cwd, stdin: 'ignore' }));
  const extras: number[] = [];
  const floors: number[] = [];
  for (let run = -1; run < SANDBOX_RUNS; run++) {
    const { shoal, floor } = await pairedRound(
      Math.max(run, 0),
      async () => (await viaTool(sandboxed)()) - (await viaTool(plain)()),
      async () => (await bubblewrap()) - (await bash()),
    );
    // The first round warms the probe and the process caches up.
    if (run < 0) continue;
    extras.push(shoal);
    floors.push(floor);
  }
  return [
    overFloorRow({
      group: 'context',
      figure,
      paired: { values: extras, floors },
      allowed: SANDBOX_OVER_BUBBLEWRAP * median(floors),
      allowedAs: `${SANDBOX_OVER_BUBBLEWRAP} × floor`,
      format: formatMs,
      floorName: 'bubblewrap alone',
    }),
  ];
}

/** The context window's and the sandbox's costs. */
export async function measureContext(): Promise<Row[]> {
  return [...(await measureCompaction()), ...(await measureSandbox())];
}
