import type { Usage } from '../agent/nodes';
import { getOwn } from './records';
import type { CallView, NoticeView, PhaseView, SessionState, StepView, TurnView } from './types';

/** The turn still running, if any; it is the only one that re-renders. */
export function selectLiveTurn(state: SessionState): TurnView | undefined {
  const last = state.turns.at(-1);
  return last?.status === 'running' ? last : undefined;
}

/** Turns that have ended, oldest first; they never change again. */
export function selectFinishedTurns(state: SessionState): TurnView[] {
  return selectLiveTurn(state) ? state.turns.slice(0, -1) : state.turns;
}

/**
 * One entry of the transcript that will not change again: a turn's prompt, a
 * main-agent step that has ended, a turn's ending, or a notice.
 */
export type TranscriptItem =
  | { kind: 'prompt'; key: string; turn: TurnView }
  | { kind: 'step'; key: string; turn: TurnView; step: StepView }
  | { kind: 'turn-end'; key: string; turn: TurnView }
  | { kind: 'notice'; key: string; notice: NoticeView };

/**
 * Everything that has settled, in the order it happened. The list only grows
 * (until a clear): the live turn contributes its prompt and its finished
 * steps, and notices made during it wait until it ends, so nothing is ever
 * inserted before an entry already shown.
 */
export function selectTranscript(state: SessionState): TranscriptItem[] {
  const live = selectLiveTurn(state);
  const liveId = live?.id ?? Number.POSITIVE_INFINITY;
  const entries: ({ id: number; turn: TurnView } | { id: number; notice: NoticeView })[] = [
    ...state.turns.map((turn) => ({ id: turn.id, turn })),
    ...state.notices.filter((notice) => notice.id < liveId).map((notice) => ({ id: notice.id, notice })),
  ].sort((a, b) => a.id - b.id);

  const items: TranscriptItem[] = [];
  for (const entry of entries) {
    if ('notice' in entry) {
      items.push({ kind: 'notice', key: `notice-${entry.id}`, notice: entry.notice });
      continue;
    }
    const { turn } = entry;
    items.push({ kind: 'prompt', key: `${turn.id}-prompt`, turn });
    const steps = turn.agents.main?.steps ?? [];
    const settled = turn.status === 'running' ? steps.slice(0, -1) : steps;
    for (const step of settled) items.push({ kind: 'step', key: `${turn.id}-step-${step.step}`, turn, step });
    if (turn.status !== 'running') items.push({ kind: 'turn-end', key: `${turn.id}-end`, turn });
  }
  return items;
}

/** The live turn's step still in progress (its last), which the live region shows. */
export function selectLiveStep(state: SessionState): StepView | undefined {
  return selectLiveTurn(state)?.agents.main?.steps.at(-1);
}

/** Notices made while the live turn runs, shown under it until it ends. */
export function selectLiveNotices(state: SessionState): NoticeView[] {
  const liveId = selectLiveTurn(state)?.id;
  return liveId === undefined ? [] : state.notices.filter((notice) => notice.id > liveId);
}

/**
 * The calls of every agent's current step: the only ones that can still be
 * running or waiting. Looking no further keeps a frame's cost flat however
 * long the turn has grown.
 */
function currentCalls(turn: TurnView): CallView[] {
  return Object.values(turn.agents).flatMap((agent) => (agent.status === 'running' ? Object.values(agent.steps.at(-1)?.calls ?? {}) : []));
}

/** The oldest call waiting for the user's answer, so prompts are answered in order. */
export function selectPendingApproval(state: SessionState): CallView | undefined {
  const turn = selectLiveTurn(state);
  return turn && currentCalls(turn).find((call) => call.status === 'awaiting-approval');
}

/** Every call of a turn, all agents and steps. */
export function selectTurnCalls(turn: TurnView): CallView[] {
  return Object.values(turn.agents).flatMap((agent) => agent.steps.flatMap((step) => Object.values(step.calls)));
}

/** The main agent's calls of a turn in the order they were made (step, then the model's order), for /show. */
export function selectMainCalls(turn: TurnView): CallView[] {
  return (turn.agents.main?.steps ?? []).flatMap((step) => [
    ...step.invalidCallIds.map((id) => getOwn(step.calls, id)).filter((call): call is CallView => call !== undefined),
    ...step.phases.flatMap((phase) => selectPhaseCalls(step, phase)),
  ]);
}

/** The latest turn in which the main agent made calls, live or finished. */
export function selectLastTurnWithCalls(state: SessionState): TurnView | undefined {
  return state.turns.findLast((turn) => selectMainCalls(turn).length > 0);
}

/** What the agent is doing right now, for the status bar. */
export type Activity =
  | { kind: 'idle' }
  | { kind: 'thinking' }
  | { kind: 'retrying'; attempt: number; maxRetries: number; until: number; reason: string }
  | { kind: 'running-tools'; count: number; researchers: number }
  | { kind: 'awaiting-approval'; toolName: string };

export function selectActivity(state: SessionState): Activity {
  const turn = selectLiveTurn(state);
  if (!turn) return { kind: 'idle' };
  const calls = currentCalls(turn);
  const waiting = calls.find((call) => call.status === 'awaiting-approval');
  if (waiting) return { kind: 'awaiting-approval', toolName: waiting.toolName };
  const running = calls.filter((call) => call.status === 'running');
  const researchers = running.filter((call) => call.childAgentId !== undefined).length;
  if (running.length > 0) return { kind: 'running-tools', count: running.length - researchers, researchers };
  const retry = turn.agents.main?.steps.at(-1)?.retry;
  if (retry) return { kind: 'retrying', attempt: retry.attempt, maxRetries: retry.maxRetries, until: retry.since + retry.delayMs, reason: retry.reason };
  return { kind: 'thinking' };
}

/** A phase's calls in the model's order. */
export function selectPhaseCalls(step: StepView, phase: PhaseView): CallView[] {
  return phase.toolCallIds.map((id) => getOwn(step.calls, id)).filter((call): call is CallView => call !== undefined);
}

/** How a batch ran: calls in it, its wall time and the sum of its calls' times (both once it ended). */
export interface BatchTiming {
  calls: number;
  wallMs?: number;
  sumMs: number;
}

export function selectBatchTiming(step: StepView, phase: PhaseView): BatchTiming {
  const calls = selectPhaseCalls(step, phase);
  return { calls: calls.length, wallMs: phase.durationMs, sumMs: calls.reduce((sum, call) => sum + (call.durationMs ?? 0), 0) };
}

/** Session totals for `/stats`. */
export interface SessionStats {
  toolCalls: number;
  /** Read-only batches run. */
  batches: number;
  /** Model responses that made tool calls. */
  responsesWithCalls: number;
  callsPerResponse: number;
  /** Time saved by running phases in parallel: the sum of call times minus the wall time, over parallel phases. */
  timeSavedMs: number;
  /** Time saved by starting calls while their response still streamed. */
  overlapSavedMs: number;
  /** Every agent's tokens, with cached and reasoning counts and a cost where known. */
  usage: Usage;
  /** The main agent's latest request that counted cached input. */
  lastCache?: SessionState['lastCache'];
}

export function selectStats(state: SessionState): SessionStats {
  let toolCalls = 0;
  let batches = 0;
  let responsesWithCalls = 0;
  let timeSavedMs = 0;
  let overlapSavedMs = 0;
  for (const turn of state.turns) {
    for (const agent of Object.values(turn.agents)) {
      for (const step of agent.steps) {
        overlapSavedMs += step.overlapMs ?? 0;
        const calls = Object.keys(step.calls).length;
        toolCalls += calls;
        if (calls > 0) responsesWithCalls += 1;
        for (const phase of step.phases) {
          if (phase.phase === 'read-only') batches += 1;
          if (phase.phase === 'write' || phase.durationMs === undefined) continue;
          timeSavedMs += Math.max(0, selectBatchTiming(step, phase).sumMs - phase.durationMs);
        }
      }
    }
  }
  return {
    toolCalls,
    batches,
    responsesWithCalls,
    callsPerResponse: responsesWithCalls === 0 ? 0 : toolCalls / responsesWithCalls,
    timeSavedMs,
    overlapSavedMs,
    usage: state.usage,
    ...(state.lastCache ? { lastCache: state.lastCache } : {}),
  };
}

/** The reasoning of the main agent's latest step that had any, for /reasoning. */
export function selectLastReasoning(state: SessionState): string | undefined {
  for (const turn of state.turns.toReversed()) {
    const step = turn.agents.main?.steps.findLast((candidate) => candidate.reasoning.trim() !== '');
    if (step) return step.reasoning.trim();
  }
  return undefined;
}
