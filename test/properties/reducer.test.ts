import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentNode } from '../../src/agent/nodes';
import { initialSessionState, reduce } from '../../src/state/reducer';
import {
  selectActivity,
  selectBatchTiming,
  selectFinishedTurns,
  selectLiveNotices,
  selectLiveStep,
  selectLiveTurn,
  selectPendingApproval,
  selectPhaseCalls,
  selectStats,
  selectTranscript,
  selectTurnCalls,
} from '../../src/state/selectors';
import type { CallStatus, SessionState, UiEvent } from '../../src/state/types';
import { ofType } from '../helpers/collect';
import { eventStreamArbitrary } from './node-arbitrary';
import { propertyParameters, propertyTimeoutMs, withShrinkBudget } from './property-runs';
import { runSession } from './run-session';
import { sessionArbitrary } from './session-arbitrary';

type Event = AgentNode | UiEvent;

const FINAL: ReadonlySet<CallStatus> = new Set(['done', 'error', 'denied', 'cancelled']);

/** Runs every selector the UI uses over a state, and each turn's per-phase selectors; any throw fails the property. */
function selectAll(state: SessionState): void {
  selectTranscript(state);
  selectActivity(state);
  selectStats(state);
  selectPendingApproval(state);
  selectLiveTurn(state);
  selectLiveStep(state);
  selectLiveNotices(state);
  selectFinishedTurns(state);
  for (const turn of state.turns) {
    selectTurnCalls(turn);
    for (const agent of Object.values(turn.agents)) {
      for (const step of agent.steps) {
        for (const phase of step.phases) {
          selectPhaseCalls(step, phase);
          selectBatchTiming(step, phase);
        }
      }
    }
  }
}

/** Every call of every turn, keyed by turn, agent, step position and id, with its status. */
function callStatuses(state: SessionState): Map<string, CallStatus> {
  const statuses = new Map<string, CallStatus>();
  for (const turn of state.turns) {
    for (const [agentId, agent] of Object.entries(turn.agents)) {
      agent.steps.forEach((step, index) => {
        for (const [id, call] of Object.entries(step.calls)) statuses.set(`${turn.id}/${agentId}/${index}/${id}`, call.status);
      });
    }
  }
  return statuses;
}

/**
 * Folds events one at a time, checking after each: `reduce` returned, a
 * refusal changed nothing but `problems` (kept to 50), an accepted approval
 * request is pending and an accepted main `run-end` ends the live turn, a call
 * in a final status never moved again (unless a response-discard took its
 * response back whole), and every selector still runs.
 */
function foldChecked(events: readonly Event[], start: SessionState = initialSessionState): SessionState {
  let state = start;
  for (const event of events) {
    const before = state;
    state = reduce(before, event);
    // Only agent nodes are ever refused; a UI event (a clear) may empty `problems` itself.
    const isAgentNode = event.type !== 'turn-start' && event.type !== 'notice' && event.type !== 'session-clear';
    if (isAgentNode && state.problems !== before.problems) {
      expect(state.problems.length).toBeLessThanOrEqual(50);
      expect([state.turns, state.notices, state.nextId, state.usage]).toEqual([before.turns, before.notices, before.nextId, before.usage]);
      expect(state.turns, `${event.type} was refused but changed the turns`).toBe(before.turns);
    }
    const isAccepted = isAgentNode && state.problems === before.problems;
    if (isAccepted && event.type === 'approval-request') expect(selectPendingApproval(state)?.status).toBe('awaiting-approval');
    if (isAccepted && event.type === 'run-end' && event.agentId === 'main') expect(selectLiveTurn(state)).toBeUndefined();
    if (event.type !== 'session-clear') {
      const after = callStatuses(state);
      for (const [key, status] of callStatuses(before)) {
        // A discarded response is taken back whole, the calls it ended among them: the step starts over.
        const isTakenBack = event.type === 'response-discard' && key.split('/')[1] === event.agentId && !after.has(key);
        if (FINAL.has(status) && !isTakenBack) expect(after.get(key), `call ${key} after ${event.type}`).toBe(status);
      }
    }
    selectAll(state);
  }
  return state;
}

describe('property: reduce over recorded loop runs', () => {
  it(
    'folds every real node stream without a problem, and every call of an ended turn is final',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          sessionArbitrary({ hasResearch: true }),
          fc.integer({ min: 1, max: 2 }),
          withShrinkBudget(async (session, turns) => {
            const run = await runSession(session, { turns });
            let state = initialSessionState;
            for (const [index, nodes] of run.turns.entries()) {
              state = foldChecked([{ type: 'turn-start', prompt: `turn ${index + 1}`, time: nodes[0]?.time ?? 0 }, ...nodes], state);
              expect(state.problems).toEqual([]);
              const turn = state.turns.at(-1)!;
              const end = ofType(nodes, 'run-end').find((node) => node.agentId === 'main')!;
              expect(turn.status).toBe(end.reason);
              // A turn the user did not interrupt ends normally: the next one's history (this one's) was accepted.
              if (!run.isAborted || index < run.turns.length - 1) expect(['done', 'repeated-call']).toContain(end.reason);
              const calls = selectTurnCalls(turn);
              const unfinished = calls.filter((call) => !FINAL.has(call.status)).map((call) => `${call.agentId} ${call.toolCallId} ${call.status}`);
              expect(unfinished, 'calls left unfinished in an ended turn').toEqual([]);
              const running = Object.values(turn.agents).filter((agent) => agent.status === 'running').map((agent) => agent.agentId);
              expect(running, 'agents still running in an ended turn').toEqual([]);
              // Every call any agent announced is in the turn, once.
              const announced = new Set([
                ...[...ofType(nodes, 'phase-start'), ...ofType(nodes, 'phase-add')].flatMap((node) => node.calls.map((call) => `${node.agentId} ${call.toolCallId}`)),
                ...ofType(nodes, 'tool-call-invalid').map((node) => `${node.agentId} ${node.toolCallId}`),
              ]);
              expect(calls.map((call) => `${call.agentId} ${call.toolCallId}`).sort()).toEqual([...announced].sort());
            }
            expect(selectLiveTurn(state)).toBeUndefined();
            expect(selectPendingApproval(state)).toBeUndefined();
            expect(selectActivity(state)).toEqual({ kind: 'idle' });
            expect(selectStats(state).toolCalls).toBe(state.turns.reduce((sum, turn) => sum + selectTurnCalls(turn).length, 0));
            const keys = selectTranscript(state).map((item) => item.key);
            expect(new Set(keys).size).toBe(keys.length);
          }),
        ),
        propertyParameters(),
      );
    },
    propertyTimeoutMs(200),
  );
});

describe('property: reduce over arbitrary nodes', () => {
  it('never throws, refuses without changing anything else, and leaves a state the selectors and JSON accept', () => {
    fc.assert(
      fc.property(eventStreamArbitrary, (events) => {
        const state = foldChecked(events);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      propertyParameters(),
    );
  }, propertyTimeoutMs(5));
});

describe('property: reduce over damaged recordings', () => {
  let recordings: AgentNode[][] = [];
  beforeAll(async () => {
    // A handful of real runs (with research, writes and aborts) to damage: deep, realistic states to start from.
    const sessions = fc.sample(sessionArbitrary({ hasResearch: true }), { numRuns: 12, seed: 7 });
    recordings = await Promise.all(sessions.map(async (session) => (await runSession(session)).nodes));
  });

  it('never throws when real nodes are dropped, repeated, reordered or retargeted', () => {
    const damage = fc.record({
      recording: fc.nat(),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom('drop', 'repeat', 'swap', 'retarget-step', 'retarget-agent', 'retarget-call'),
          at: fc.nat(),
          other: fc.nat(),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(damage, ({ recording, edits }) => {
        const nodes = [...recordings[recording % recordings.length]!];
        for (const edit of edits) {
          if (nodes.length === 0) break;
          const at = edit.at % nodes.length;
          const other = edit.other % nodes.length;
          const node = nodes[at]! as AgentNode & { step?: number; toolCallId?: string };
          switch (edit.kind) {
            case 'drop':
              nodes.splice(at, 1);
              break;
            case 'repeat':
              nodes.splice(other, 0, node);
              break;
            case 'swap':
              [nodes[at], nodes[other]] = [nodes[other]!, node];
              break;
            case 'retarget-step':
              nodes[at] = { ...node, step: (node.step ?? 0) + (edit.other % 3) - 1 } as AgentNode;
              break;
            case 'retarget-agent':
              nodes[at] = { ...node, agentId: nodes[other]!.agentId } as AgentNode;
              break;
            case 'retarget-call':
              nodes[at] = { ...node, toolCallId: (nodes[other] as { toolCallId?: string }).toolCallId ?? 'x' } as AgentNode;
              break;
          }
        }
        const state = foldChecked([{ type: 'turn-start', prompt: 'damaged', time: 0 }, ...nodes]);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      propertyParameters(),
    );
  }, propertyTimeoutMs(5));
});
