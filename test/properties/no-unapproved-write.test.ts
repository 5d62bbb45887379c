import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentNode } from '../../src/agent/nodes';
import { ofType } from '../helpers/collect';
import { propertyParameters, propertyTimeoutMs, withShrinkBudget } from './property-runs';
import { runSession, WORKSPACE_DIR, type SessionRun } from './run-session';
import { sessionArbitrary, type DiskEffect, type GeneratedStep } from './session-arbitrary';
import { callsMade, countOf, historyCalls, mainNodes, RESULT_TYPE } from './session-checks';
import { changedFiles, diffTrees, replayEffects } from './workspace-model';

const WRITE_TOOLS = new Set(['write_file', 'update_file', 'bash']);

/**
 * Everything that went wrong in one run, as readable lines; empty when the
 * run kept every promise: (a) only approved calls that ended ok changed the
 * disk, (b) the disk is exactly the ok calls replayed, (c) every call made got
 * exactly one end and the run one `run-end`, (d) the history answers every call once.
 */
function violations(run: SessionRun): string[] {
  const problems: string[] = [];
  const nodes = mainNodes(run.nodes);
  const ends = ofType(nodes, 'tool-call-end');
  const statusOf = new Map(ends.map((end) => [end.toolCallId, end.status]));
  const resolved = new Map(ofType(nodes, 'approval-resolve').map((node) => [node.toolCallId, node]));

  // (a) Every write that ran was approved first, and only ok writes touched the disk.
  for (const start of ofType(nodes, 'tool-call-start')) {
    if (!WRITE_TOOLS.has(start.toolName)) continue;
    const decision = resolved.get(start.toolCallId)?.decision.type;
    const asked = run.approvals.find((approval) => approval.request.toolCallId === start.toolCallId);
    if (decision !== 'allow' && decision !== 'allow-session') problems.push(`(a) ${start.toolCallId} started after approval ${decision ?? 'never resolved'}`);
    if (!asked || asked.answer === 'pending' || (asked.answer !== 'session-allowed' && asked.answer.type === 'deny')) {
      problems.push(`(a) ${start.toolCallId} started but the user answered ${asked ? JSON.stringify(asked.answer) : 'nothing (never asked)'}`);
    }
    if (nodes.indexOf(resolved.get(start.toolCallId) as AgentNode) > nodes.indexOf(start)) problems.push(`(a) ${start.toolCallId} started before its approval resolved`);
  }
  for (const answered of run.approvals) {
    const id = answered.request.toolCallId;
    const node = resolved.get(id);
    const answer = answered.answer === 'session-allowed' ? { type: 'allow' } : answered.answer;
    // An answer that loses the race with an interrupt is ignored: the call is cancelled without a resolve node.
    if (node === undefined) {
      if (statusOf.get(id) !== 'cancelled') problems.push(`(a) ${id} was asked, never resolved, and ended ${statusOf.get(id)}`);
      continue;
    }
    if (JSON.stringify(node.decision) !== JSON.stringify(answer)) {
      problems.push(`(a) ${id}: the user answered ${JSON.stringify(answer)}, the stream says ${JSON.stringify(node.decision)}`);
    }
    if (node.decision.type === 'deny' && statusOf.get(id) !== 'denied') problems.push(`(a) ${id} was denied but ended ${statusOf.get(id)}`);
  }
  const okWrites = ends.filter((end) => end.status === 'ok' && run.calls.get(end.toolCallId)?.effect !== undefined);
  const started = new Set(ofType(nodes, 'tool-call-start').map((node) => node.toolCallId));
  const killed = ends.filter(
    (end) => end.status === 'cancelled' && started.has(end.toolCallId) && killedCommandEffects(end.toolName, run.calls.get(end.toolCallId)?.effect).length > 0,
  );
  const touchable = new Set([...okWrites, ...killed].map((end) => pathOf(run, end.toolCallId)));
  for (const file of changedFiles(run.before, run.after)) {
    if (!touchable.has(file)) problems.push(`(a) ${file} changed, but no approved call that ended ok writes it`);
  }

  // (b) The disk is exactly the ok write calls, replayed in the order they ran; a command the
  // interrupt killed mid-run may also have done its work, in part or whole (it ran last).
  const replayed = okWrites.map((end) => ({ id: end.toolCallId, effect: run.calls.get(end.toolCallId)!.effect! }));
  const { expected, problems: replayProblems } = replayEffects(run.before, replayed, WORKSPACE_DIR);
  problems.push(...replayProblems.map((problem) => `(b) ${problem}`));
  const alternatives = killed.flatMap((end) =>
    killedCommandEffects(end.toolName, run.calls.get(end.toolCallId)?.effect).map(
      (effect) => replayEffects(run.before, [...replayed, { id: end.toolCallId, effect }], WORKSPACE_DIR).expected,
    ),
  );
  if (!alternatives.some((alternative) => diffTrees(run.after, alternative).length === 0)) {
    problems.push(...diffTrees(run.after, expected).map((difference) => `(b) ${difference}`));
  }

  // (c) One end per call the model made, one run-end per turn, last.
  for (const [index, turn] of run.turns.entries()) {
    const made = callsMade(turn, run.scripts[index]!, problems);
    const answers = countOf(
      [...ofType(mainNodes(turn), 'tool-call-end'), ...ofType(mainNodes(turn), 'tool-call-invalid')].map((node) => node.toolCallId),
    );
    for (const id of made) if (answers.get(id) !== 1) problems.push(`(c) ${id} got ${answers.get(id) ?? 0} tool-call-end/invalid nodes`);
    // A read started while its response streamed, in a response then interrupted, ends cancelled: its only answer.
    const cutShort = callsOfStepsCutShort(turn, run.scripts[index]!);
    for (const id of answers.keys()) {
      const isCancelledEarly = cutShort.includes(id) && answers.get(id) === 1 && statusOf.get(id) === 'cancelled';
      if (!made.includes(id) && !isCancelledEarly) problems.push(`(c) ${id} was answered but never made`);
    }
    const runEnds = ofType(mainNodes(turn), 'run-end');
    if (runEnds.length !== 1 || turn.at(-1) !== runEnds[0]) problems.push(`(c) turn ${index + 1} has ${runEnds.length} run-end nodes, last node ${turn.at(-1)?.type}`);
    if (!run.isAborted && !['done', 'repeated-call'].includes(runEnds[0]?.reason ?? '')) problems.push(`(c) an uninterrupted run ended ${runEnds[0]?.reason}`);

    // (d) The history answers each call it holds exactly once, after the call, with the kind of result its end says.
    const messages = ofType(mainNodes(turn), 'history-append').flatMap((node) => node.messages);
    const { callIds, results, early } = historyCalls(messages);
    for (const id of early) problems.push(`(d) the result for ${id} comes before the call`);
    const resultCounts = countOf(results.map((part) => part.toolCallId));
    if ([...countOf(callIds).values()].some((count) => count > 1)) problems.push(`(d) a call appears twice in the history: ${callIds.join(', ')}`);
    if ([...callIds].sort().join() !== [...made].sort().join()) problems.push(`(d) the history holds calls [${callIds}], the model made [${made}]`);
    for (const id of callIds) if (resultCounts.get(id) !== 1) problems.push(`(d) ${id} has ${resultCounts.get(id) ?? 0} results in the history`);
    for (const id of resultCounts.keys()) if (!callIds.includes(id)) problems.push(`(d) a result answers ${id}, which no assistant message holds`);
    for (const part of results) {
      const status = statusOf.get(part.toolCallId);
      const want = status === undefined ? 'error-text' : RESULT_TYPE[status];
      if (part.output.type !== want) problems.push(`(d) ${part.toolCallId} ended ${status ?? 'invalid'} but the model reads ${part.output.type}`);
    }
  }
  return problems;
}

/** The ids of the calls in responses that were interrupted or failed: none of them reaches the history. */
function callsOfStepsCutShort(turn: readonly AgentNode[], script: readonly GeneratedStep[]): string[] {
  return ofType(mainNodes(turn), 'step-end')
    .filter((end) => end.finishReason === 'aborted' || end.finishReason === 'error')
    .flatMap((end) => (script[end.step - 1]?.calls ?? []).map((call) => call.id));
}

/**
 * What a command killed by the interrupt may have done before it died: all of
 * its work, or only the redirect's own part (`>` truncates, `>>` creates a
 * missing file), with nothing written yet. A shell cannot take back what it
 * ran, so this is the one cancelled call allowed to leave a mark; the file
 * tools must not (they can check the signal up to the moment they write).
 */
function killedCommandEffects(toolName: string, effect: DiskEffect | undefined): DiskEffect[] {
  if (toolName !== 'bash' || !effect) return [];
  if (effect.type === 'shell-write') return [effect, { ...effect, text: '' }];
  return effect.type === 'shell-remove' ? [effect] : [];
}

/** The root-relative path a write call's effect aims at. */
function pathOf(run: SessionRun, toolCallId: string): string | undefined {
  const effect = run.calls.get(toolCallId)?.effect;
  return effect && effect.type !== 'none' ? path.posix.join(WORKSPACE_DIR, effect.path) : undefined;
}

describe('property: no unapproved write', () => {
  it(
    'leaves the disk as the approved, ok write calls alone would, and answers every call once',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          sessionArbitrary({ hasResearch: false }),
          withShrinkBudget(async (session) => {
            const run = await runSession(session);
            expect(violations(run)).toEqual([]);
          }),
        ),
        propertyParameters(),
      );
    },
    propertyTimeoutMs(150),
  );
});
