import type { AgentNode, NodeOf, ToolCallStatus, Usage } from '../agent/nodes';
import { addUsage, ZERO_USAGE } from '../agent/usage';
import { hookLine } from '../agent/hook-line';
import { callKey } from './call-key';
import { getOwn, withEntry } from './records';
import type { AgentView, CallStatus, CallView, SessionState, StepView, TurnView, UiEvent } from './types';

/** The state before anything happened. */
export const initialSessionState: SessionState = {
  turns: [],
  notices: [],
  nextId: 1,
  usage: ZERO_USAGE,
  problems: [],
};

/** Which statuses each call status may move to; everything else is refused. */
const TRANSITIONS: Record<CallStatus, readonly CallStatus[]> = {
  queued: ['awaiting-approval', 'running', 'error', 'denied', 'cancelled'],
  'awaiting-approval': ['queued', 'error', 'denied', 'cancelled'],
  // Back to awaiting-approval when the approved file changed before the write: the call is shown again.
  running: ['done', 'error', 'cancelled', 'awaiting-approval'],
  done: [],
  error: [],
  denied: [],
  cancelled: [],
};

const END_STATUS: Record<ToolCallStatus, CallStatus> = { ok: 'done', error: 'error', denied: 'denied', cancelled: 'cancelled' };

/**
 * Folds one node (or UI event) into the session state. Pure: no I/O, no
 * clocks. Contract: never throws; a node that would make an impossible
 * transition leaves the state as it was and is recorded in `problems`.
 */
export function reduce(state: SessionState, event: AgentNode | UiEvent): SessionState {
  switch (event.type) {
    case 'session-clear':
      // Ids keep counting so the UI can tell a cleared transcript from the old one.
      return { ...initialSessionState, nextId: state.nextId };
    case 'turn-start':
      return { ...state, nextId: state.nextId + 1, turns: [...state.turns, newTurn(state.nextId, event.prompt, event.time)] };
    case 'notice':
      return {
        ...state,
        nextId: state.nextId + 1,
        notices: [...state.notices, { id: state.nextId, text: event.text, tone: event.tone ?? 'info' }],
      };
    case 'reasoning-delta':
    case 'step-retry':
    case 'text-delta':
    case 'run-start':
    case 'run-end':
    case 'step-start':
    case 'step-end':
    case 'phase-start':
    case 'phase-add':
    case 'phase-end':
    case 'response-discard':
    case 'step-notice':
    case 'plan-update':
    case 'tool-call-start':
    case 'tool-call-end':
    case 'tool-call-invalid':
    case 'approval-request':
    case 'approval-resolve':
    case 'compaction-start':
    case 'compaction-end':
    case 'user-message':
      return reduceNode(state, event);
    case 'context-size':
      return event.agentId === 'main' ? { ...state, context: { tokens: event.tokens, window: event.window } } : state;
    case 'history-append':
    case 'history-replace':
      return state;
    case 'hook-result':
      return reduceHookResult(state, event);
    default:
      return assertNever(event);
  }
}

/** A hook around a call joins its step's notes; one outside a running step (a prompt's, the session's) is a notice of its own. */
function reduceHookResult(state: SessionState, node: NodeOf<'hook-result'>): SessionState {
  const turn = state.turns.at(-1);
  const text = hookLine(node);
  if (node.step !== undefined && turn?.status === 'running') {
    const updated = updateStep(turn, { agentId: node.agentId, step: node.step }, (step) => ({ ...step, notices: [...(step.notices ?? []), text] }));
    if (typeof updated !== 'string') return { ...state, turns: [...state.turns.slice(0, -1), updated] };
  }
  return { ...state, nextId: state.nextId + 1, notices: [...state.notices, { id: state.nextId, text, tone: 'info' }] };
}

function reduceNode(
  state: SessionState,
  node: Exclude<AgentNode, NodeOf<'history-append'> | NodeOf<'history-replace'> | NodeOf<'context-size'> | NodeOf<'hook-result'>>,
): SessionState {
  let turn = state.turns.at(-1);
  if (!turn || turn.status !== 'running') {
    if (node.type !== 'run-start' || node.agentId !== 'main') return refuse(state, node, 'no turn is running');
    turn = newTurn(state.nextId, '', node.time);
    state = { ...state, nextId: state.nextId + 1, turns: [...state.turns, turn] };
  }
  const result = reduceTurn(turn, node);
  if (typeof result === 'string') return refuse(state, node, result);
  if (node.type === 'compaction-end' && node.agentId === 'main' && state.context && !node.error) {
    state = { ...state, context: { ...state.context, tokens: node.tokensAfter } };
  }
  const counted = usageOf(node);
  const usage = counted ? addUsage(state.usage, counted) : state.usage;
  if (node.type === 'step-end' && node.agentId === 'main' && node.usage.cachedInputTokens !== undefined && node.usage.inputTokens > 0) {
    state = { ...state, lastCache: { inputTokens: node.usage.inputTokens, cachedInputTokens: node.usage.cachedInputTokens } };
  }
  return { ...state, usage, turns: [...state.turns.slice(0, -1), result] };
}

/** The model call a node reports: a step's, or a compaction's summary (every agent's, sub-agents included). */
function usageOf(node: AgentNode): Usage | undefined {
  return node.type === 'step-end' || node.type === 'compaction-end' ? node.usage : undefined;
}

/** The turn after `node`, or why the node cannot apply. */
function reduceTurn(
  turn: TurnView,
  node: Exclude<AgentNode, NodeOf<'history-append'> | NodeOf<'history-replace'> | NodeOf<'context-size'> | NodeOf<'hook-result'>>,
): TurnView | string {
  const agent = getOwn(turn.agents, node.agentId);
  switch (node.type) {
    case 'run-start': {
      if (agent) return `agent ${node.agentId} already started`;
      const started: AgentView = {
        agentId: node.agentId,
        parentToolCallId: node.parentToolCallId,
        modelId: node.modelId,
        steps: [],
        status: 'running',
        startedAt: node.time,
      };
      const withChild = { ...turn, agents: withEntry(turn.agents, node.agentId, started) };
      const parent = node.parentToolCallId ? findRunningCall(turn, node.parentToolCallId) : undefined;
      if (!parent) return withChild;
      const linked = updateStep(withChild, parent, (step) => ({
        ...step,
        calls: withEntry<CallView>(step.calls, parent.toolCallId, { ...parent, childAgentId: node.agentId }),
      }));
      return typeof linked === 'string' ? withChild : linked;
    }
    case 'run-end': {
      if (!agent || agent.status !== 'running') return `agent ${node.agentId} is not running`;
      const ended: AgentView = { ...agent, status: node.reason, error: node.error, endedAt: node.time };
      const agents = withEntry(turn.agents, node.agentId, ended);
      if (node.agentId !== 'main') return { ...turn, agents };
      return { ...turn, agents, status: node.reason, endedAt: node.time };
    }
    case 'step-start':
      if (!agent) return `agent ${node.agentId} has not started`;
      return withAgent(turn, { ...agent, steps: [...agent.steps, newStep(node.step, node.time)] });
    case 'step-end': {
      const usage = addUsage(turn.usage, node.usage);
      const updated = updateStep(turn, node, (step) => ({
        ...step,
        retry: undefined,
        durationMs: node.durationMs,
        finishReason: node.finishReason,
        ...(node.overlapMs ? { overlapMs: node.overlapMs } : {}),
      }));
      return typeof updated === 'string' ? updated : { ...updated, usage };
    }
    case 'step-retry':
      return updateStep(turn, node, (step) => ({
        ...step,
        retry: { attempt: node.attempt, maxRetries: node.maxRetries, delayMs: node.delayMs, reason: node.reason, since: node.time },
      }));
    case 'text-delta':
      return updateStep(turn, node, (step) => ({ ...step, retry: undefined, text: step.text + node.text }));
    case 'reasoning-delta':
      return updateStep(turn, node, (step) => ({
        ...step,
        reasoning: step.reasoning + node.text,
        reasoningSpan: { startedAt: step.reasoningSpan?.startedAt ?? node.time, lastAt: node.time },
      }));
    case 'phase-start':
    case 'phase-add':
      return updateStep(turn, node, (step) => {
        if (node.calls.some((call) => getOwn(step.calls, call.toolCallId))) return 'a call in this phase already exists';
        const index = node.type === 'phase-add' ? step.phases.findLastIndex((phase) => phase.phase === node.phase && phase.durationMs === undefined) : -1;
        if (node.type === 'phase-add' && index === -1) return `no open ${node.phase} phase`;
        let calls = step.calls;
        // The input is left out: the approval prompt is its one reader, and a finished call kept in the
        // transcript would hold a 4 MB write_file's content for the rest of the session.
        for (const { input: _input, ...call } of node.calls) {
          const view: CallView = { ...call, key: callKey(node.agentId, call.toolCallId), agentId: node.agentId, phase: node.phase, step: node.step, status: 'queued' };
          calls = withEntry(calls, call.toolCallId, view);
        }
        const toolCallIds = node.calls.map((call) => call.toolCallId);
        if (index === -1) return { ...step, calls, phases: [...step.phases, { phase: node.phase, toolCallIds, startedAt: node.time }] };
        const open = step.phases[index]!;
        return { ...step, calls, phases: step.phases.with(index, { ...open, toolCallIds: [...open.toolCallIds, ...toolCallIds] }) };
      });
    case 'response-discard':
      // The step starts over; what the turn was billed stays counted.
      return updateStep(turn, node, (step) => ({ ...newStep(step.step, step.startedAt), compaction: step.compaction, retry: step.retry }));
    case 'step-notice':
      return updateStep(turn, node, (step) => ({ ...step, notices: [...(step.notices ?? []), node.text] }));
    case 'plan-update': {
      // A plan belongs to the step whose call updated it: the agent's current one.
      const current = agent?.steps.at(-1);
      if (!current) return `agent ${node.agentId} has no step`;
      const plan = { steps: node.plan, ...(node.explanation ? { explanation: node.explanation } : {}) };
      return updateStep(turn, { agentId: node.agentId, step: current.step }, (step) => ({ ...step, plan }));
    }
    case 'phase-end':
      return updateStep(turn, node, (step) => {
        // A response may run the same kind of phase twice (reads after a write): the open one ends.
        const index = step.phases.findLastIndex((phase) => phase.phase === node.phase && phase.durationMs === undefined);
        if (index === -1) return `no open ${node.phase} phase`;
        return { ...step, phases: step.phases.with(index, { ...step.phases[index]!, durationMs: node.durationMs }) };
      });
    case 'tool-call-invalid':
      return updateStep(turn, node, (step) => {
        if (getOwn(step.calls, node.toolCallId)) return `call ${node.toolCallId} already exists`;
        const call: CallView = {
          key: callKey(node.agentId, node.toolCallId),
          toolCallId: node.toolCallId,
          toolName: node.toolName,
          agentId: node.agentId,
          description: '',
          step: node.step,
          status: 'error',
          summary: node.error.split('\n')[0],
          durationMs: 0,
        };
        return { ...step, calls: withEntry(step.calls, node.toolCallId, call), invalidCallIds: [...step.invalidCallIds, node.toolCallId] };
      });
    case 'approval-request':
      return moveCall(turn, node, 'awaiting-approval', { input: node.input, preview: node.preview, askedAgainBecause: node.askedAgainBecause });
    case 'approval-resolve':
      // What the prompt showed goes with it: a diff or an input can run to megabytes.
      return moveCall(turn, node, 'queued', { decision: node.decision, input: undefined, preview: undefined });
    case 'tool-call-start':
      // A PreToolUse hook may have changed the input: the transcript describes the call that runs.
      return moveCall(turn, node, 'running', { startedAt: node.time, description: node.description });
    case 'compaction-start': {
      if (!agent || agent.status !== 'running') return `agent ${node.agentId} is not running`;
      const compaction = { reason: node.reason, tokensBefore: node.tokensBefore, window: node.window, startedAt: node.time };
      // A /compact run has no model step: its compaction gets a step 0 of its own.
      const withStep = node.step === 0 && agent.steps.length === 0 ? withAgent(turn, { ...agent, steps: [newStep(0, node.time)] }) : turn;
      return updateStep(withStep, node, (step) =>
        step.compaction && step.compaction.durationMs === undefined ? 'a compaction is already running' : { ...step, compaction },
      );
    }
    case 'compaction-end': {
      const updated = updateStep(turn, node, (step) => {
        const open = step.compaction;
        if (!open || open.durationMs !== undefined) return 'no compaction is running';
        const ended = { ...open, method: node.method, tokensAfter: node.tokensAfter, durationMs: node.time - open.startedAt, error: node.error };
        return { ...step, compaction: ended };
      });
      if (typeof updated === 'string' || !node.usage) return updated;
      return { ...updated, usage: addUsage(turn.usage, node.usage) };
    }
    case 'user-message':
      return updateStep(turn, node, (step) => ({ ...step, userMessages: [...(step.userMessages ?? []), node.text] }));
    case 'tool-call-end':
      // The output itself stays in the conversation history only: the screen shows the summary,
      // and a long session would otherwise hold every file it read twice.
      return moveCall(turn, node, END_STATUS[node.status], { durationMs: node.durationMs, summary: node.summary });
    default:
      return assertNever(node);
  }
}

function moveCall(
  turn: TurnView,
  node: AgentNode & { toolCallId: string; step: number },
  status: CallStatus,
  fields: Partial<CallView>,
): TurnView | string {
  return updateStep(turn, node, (step) => {
    const call = getOwn(step.calls, node.toolCallId);
    if (!call) return `no call ${node.toolCallId}`;
    if (!TRANSITIONS[call.status].includes(status)) return `call ${node.toolCallId} cannot go from ${call.status} to ${status}`;
    return { ...step, calls: withEntry(step.calls, node.toolCallId, { ...call, ...fields, status }) };
  });
}

/** Applies `update` to the agent's current step, which must be `node.step`; `update` may refuse with a reason. */
function updateStep(
  turn: TurnView,
  node: { agentId: string; step: number },
  update: (step: StepView) => StepView | string,
): TurnView | string {
  const agent = getOwn(turn.agents, node.agentId);
  const last = agent?.steps.at(-1);
  if (!agent || !last || last.step !== node.step) return `agent ${node.agentId} is not in step ${node.step}`;
  const updated = update(last);
  if (typeof updated === 'string') return updated;
  return withAgent(turn, { ...agent, steps: [...agent.steps.slice(0, -1), updated] });
}

function withAgent(turn: TurnView, agent: AgentView): TurnView {
  return { ...turn, agents: withEntry(turn.agents, agent.agentId, agent) };
}

/** A running call of any agent's current step (a sub-agent's parent `research_codebase` call). */
function findRunningCall(turn: TurnView, toolCallId: string): CallView | undefined {
  for (const agent of Object.values(turn.agents)) {
    const steps = agent.steps.at(-1);
    const call = steps && getOwn(steps.calls, toolCallId);
    if (call?.status === 'running') return call;
  }
  return undefined;
}

function newTurn(id: number, prompt: string, time: number): TurnView {
  return { id, prompt, agents: {}, status: 'running', usage: ZERO_USAGE, startedAt: time };
}

function newStep(step: number, time: number): StepView {
  return { step, text: '', reasoning: '', phases: [], calls: {}, invalidCallIds: [], startedAt: time };
}

const MAX_PROBLEMS = 50;

function refuse(state: SessionState, node: AgentNode, why: string): SessionState {
  const problem = `ignored ${node.type} from ${node.agentId}: ${why}`;
  return { ...state, problems: [...state.problems.slice(-(MAX_PROBLEMS - 1)), problem] };
}

function assertNever(value: never): never {
  throw new Error(`Unhandled event ${JSON.stringify(value)}`);
}
