import type { AgentNode, NodeOf, ToolCallStatus } from '../agent/nodes';
import { callKey } from './call-key';
import type { AgentView, CallStatus, CallView, SessionState, StepView, TurnView, UiEvent } from './types';

/** The state before anything happened. */
export const initialSessionState: SessionState = {
  turns: [],
  notices: [],
  nextId: 1,
  usage: { inputTokens: 0, outputTokens: 0 },
  problems: [],
};

/** Which statuses each call status may move to; everything else is refused. */
const TRANSITIONS: Record<CallStatus, readonly CallStatus[]> = {
  queued: ['awaiting-approval', 'running', 'error', 'denied', 'cancelled'],
  'awaiting-approval': ['queued', 'error', 'denied', 'cancelled'],
  running: ['done', 'error', 'cancelled'],
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
    case 'history-append':
    case 'reasoning-delta':
    case 'step-retry':
    case 'text-delta':
    case 'run-start':
    case 'run-end':
    case 'step-start':
    case 'step-end':
    case 'phase-start':
    case 'phase-end':
    case 'tool-call-start':
    case 'tool-call-end':
    case 'tool-call-invalid':
    case 'approval-request':
    case 'approval-resolve':
      return reduceNode(state, event);
    default:
      return assertNever(event);
  }
}

function reduceNode(state: SessionState, node: AgentNode): SessionState {
  if (node.type === 'history-append') return state;
  let turn = state.turns.at(-1);
  if (!turn || turn.status !== 'running') {
    if (node.type !== 'run-start' || node.agentId !== 'main') return refuse(state, node, 'no turn is running');
    turn = newTurn(state.nextId, '', node.time);
    state = { ...state, nextId: state.nextId + 1, turns: [...state.turns, turn] };
  }
  const result = reduceTurn(turn, node);
  if (typeof result === 'string') return refuse(state, node, result);
  const usage =
    node.type === 'step-end'
      ? { inputTokens: state.usage.inputTokens + node.usage.inputTokens, outputTokens: state.usage.outputTokens + node.usage.outputTokens }
      : state.usage;
  return { ...state, usage, turns: [...state.turns.slice(0, -1), result] };
}

/** The turn after `node`, or why the node cannot apply. */
function reduceTurn(turn: TurnView, node: Exclude<AgentNode, NodeOf<'history-append'>>): TurnView | string {
  const agent = turn.agents[node.agentId];
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
      const parent = node.parentToolCallId ? findCall(turn, node.parentToolCallId) : undefined;
      const calls = parent ? { ...turn.calls, [parent.key]: { ...parent, childAgentId: node.agentId } } : turn.calls;
      return { ...turn, calls, agents: { ...turn.agents, [node.agentId]: started } };
    }
    case 'run-end': {
      if (!agent || agent.status !== 'running') return `agent ${node.agentId} is not running`;
      const ended: AgentView = { ...agent, status: node.reason, error: node.error, endedAt: node.time };
      const agents = { ...turn.agents, [node.agentId]: ended };
      if (node.agentId !== 'main') return { ...turn, agents };
      return { ...turn, agents, status: node.reason, endedAt: node.time };
    }
    case 'step-start':
      if (!agent) return `agent ${node.agentId} has not started`;
      return withAgent(turn, { ...agent, steps: [...agent.steps, newStep(node.step, node.time)] });
    case 'step-end': {
      const usage = { inputTokens: turn.usage.inputTokens + node.usage.inputTokens, outputTokens: turn.usage.outputTokens + node.usage.outputTokens };
      const updated = updateStep(turn, node, (step) => ({ ...step, retry: undefined, durationMs: node.durationMs, finishReason: node.finishReason }));
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
      return updateStep(turn, node, (step) => ({ ...step, reasoning: step.reasoning + node.text }));
    case 'phase-start': {
      const keys = node.calls.map((call) => callKey(node.agentId, call.toolCallId));
      if (keys.some((key) => turn.calls[key])) return 'a call in this phase already exists';
      const calls = { ...turn.calls };
      node.calls.forEach((call, index) => {
        calls[keys[index]!] = { ...call, key: keys[index]!, agentId: node.agentId, phase: node.phase, step: node.step, status: 'queued' };
      });
      const updated = updateStep(turn, node, (step) => ({
        ...step,
        phases: [...step.phases, { phase: node.phase, callKeys: keys, startedAt: node.time }],
      }));
      return typeof updated === 'string' ? updated : { ...updated, calls };
    }
    case 'phase-end':
      return updateStep(turn, node, (step) => ({
        ...step,
        phases: step.phases.map((phase) => (phase.phase === node.phase ? { ...phase, durationMs: node.durationMs } : phase)),
      }));
    case 'tool-call-invalid': {
      const key = callKey(node.agentId, node.toolCallId);
      if (turn.calls[key]) return `call ${node.toolCallId} already exists`;
      const call: CallView = {
        key,
        toolCallId: node.toolCallId,
        toolName: node.toolName,
        agentId: node.agentId,
        input: node.input,
        description: '',
        step: node.step,
        status: 'error',
        summary: node.error.split('\n')[0],
        durationMs: 0,
      };
      const updated = updateStep(turn, node, (step) => ({ ...step, invalidCallKeys: [...step.invalidCallKeys, key] }));
      return typeof updated === 'string' ? updated : { ...updated, calls: { ...turn.calls, [key]: call } };
    }
    case 'approval-request':
      return moveCall(turn, node, 'awaiting-approval', { preview: node.preview });
    case 'approval-resolve':
      return moveCall(turn, node, 'queued', { decision: node.decision });
    case 'tool-call-start':
      return moveCall(turn, node, 'running', { startedAt: node.time });
    case 'tool-call-end':
      // The output itself stays in the conversation history only: the screen shows the summary,
      // and a long session would otherwise hold every file it read twice.
      return moveCall(turn, node, END_STATUS[node.status], { durationMs: node.durationMs, summary: node.summary });
    default:
      return assertNever(node);
  }
}

function moveCall(turn: TurnView, node: AgentNode & { toolCallId: string }, status: CallStatus, fields: Partial<CallView>): TurnView | string {
  const key = callKey(node.agentId, node.toolCallId);
  const call = turn.calls[key];
  if (!call) return `no call ${node.toolCallId}`;
  if (!TRANSITIONS[call.status].includes(status)) return `call ${node.toolCallId} cannot go from ${call.status} to ${status}`;
  return { ...turn, calls: { ...turn.calls, [key]: { ...call, ...fields, status } } };
}

function updateStep(turn: TurnView, node: AgentNode & { step: number }, update: (step: StepView) => StepView): TurnView | string {
  const agent = turn.agents[node.agentId];
  const last = agent?.steps.at(-1);
  if (!agent || !last || last.step !== node.step) return `agent ${node.agentId} is not in step ${node.step}`;
  return withAgent(turn, { ...agent, steps: [...agent.steps.slice(0, -1), update(last)] });
}

function withAgent(turn: TurnView, agent: AgentView): TurnView {
  return { ...turn, agents: { ...turn.agents, [agent.agentId]: agent } };
}

function findCall(turn: TurnView, toolCallId: string): CallView | undefined {
  return Object.values(turn.calls).find((call) => call.toolCallId === toolCallId && call.status === 'running');
}

function newTurn(id: number, prompt: string, time: number): TurnView {
  return { id, prompt, agents: {}, calls: {}, status: 'running', usage: { inputTokens: 0, outputTokens: 0 }, startedAt: time };
}

function newStep(step: number, time: number): StepView {
  return { step, text: '', reasoning: '', phases: [], invalidCallKeys: [], startedAt: time };
}

const MAX_PROBLEMS = 50;

function refuse(state: SessionState, node: AgentNode, why: string): SessionState {
  const problem = `ignored ${node.type} from ${node.agentId}: ${why}`;
  return { ...state, problems: [...state.problems.slice(-(MAX_PROBLEMS - 1)), problem] };
}

function assertNever(value: never): never {
  throw new Error(`Unhandled event ${JSON.stringify(value)}`);
}
