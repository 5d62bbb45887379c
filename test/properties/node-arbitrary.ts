import fc from 'fast-check';
import type { AgentNode } from '../../src/agent/nodes';
import type { UiEvent } from '../../src/state/types';

/** Mostly the given values, now and then any string: a recording from another version, or a quirky provider's ids. */
function mostly<T extends string>(...values: T[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
}

/**
 * Ids drawn from small pools, so random nodes often meet the agents, steps and
 * calls earlier nodes made, and so reach deep into the reducer. The pools hold
 * names `Object.prototype` already has: a tool call id comes from the model,
 * and keying a plain object by it must not find `constructor` or `toString`.
 */
const agentId = mostly('main', 'main', 'main', 'research:a');
const toolCallId = fc.oneof(
  { weight: 6, arbitrary: mostly('a', 'b') },
  { weight: 1, arbitrary: fc.constantFrom('constructor', 'toString', '__proto__') },
);
const step = fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) });
const time = fc.integer({ min: 0, max: 10_000 });
const count = fc.nat({ max: 1000 });
const usage = fc.record({ inputTokens: count, outputTokens: count });
const text = fc.string({ maxLength: 8 });
const phase = mostly('research', 'read-only', 'write');
const toolName = mostly('read_file', 'write_file', 'bash', 'research_codebase');
const input = fc.jsonValue({ maxDepth: 2 });
/** The fields of `ToolCallInfo`, to spread into a node's record. */
const callInfo = { toolCallId, toolName, input };
const decision = fc.oneof(
  fc.record({ type: mostly('allow', 'allow-session', 'deny') }),
  fc.record({ type: fc.constant('deny'), feedback: text }),
);
const preview = fc.option(
  fc.oneof(
    fc.record({ type: fc.constant('diff'), path: text, isNewFile: fc.boolean(), diff: text }),
    fc.record({ type: fc.constant('command'), command: text, cwd: text }),
  ),
  { nil: undefined },
);

/**
 * A body for every node type, fields of the right shape with random values.
 * Typed by the union, so a new node type fails to compile until it is added here.
 */
const BODIES: Record<AgentNode['type'], fc.Arbitrary<object>> = {
  'run-start': fc.record({ type: fc.constant('run-start'), modelId: text, maxSteps: count }),
  'run-end': fc.record({
    type: fc.constant('run-end'),
    reason: mostly('done', 'aborted', 'error', 'step-limit', 'repeated-call'),
    text,
    usage,
    steps: count,
    error: fc.option(text, { nil: undefined }),
  }),
  'step-start': fc.record({ type: fc.constant('step-start'), step }),
  'step-end': fc.record({
    type: fc.constant('step-end'),
    step,
    finishReason: text,
    usage,
    toolCalls: count,
    durationMs: count,
    overlapMs: fc.option(count, { nil: undefined }),
  }),
  'step-retry': fc.record({ type: fc.constant('step-retry'), step, attempt: count, maxRetries: count, delayMs: count, reason: text }),
  'text-delta': fc.record({ type: fc.constant('text-delta'), step, text }),
  'user-message': fc.record({ type: fc.constant('user-message'), step, text }),
  'hook-result': fc.record({
    type: fc.constant('hook-result'),
    event: mostly('PreToolUse', 'PostToolUse', 'Stop', 'UserPromptSubmit'),
    command: text,
    status: mostly('ok', 'blocked', 'error', 'timeout'),
    text,
    step: fc.option(step, { nil: undefined }),
  }),
  'reasoning-delta': fc.record({ type: fc.constant('reasoning-delta'), step, text }),
  'phase-start': fc.record({
    type: fc.constant('phase-start'),
    step,
    phase,
    calls: fc.array(fc.record({ ...callInfo, description: text }), { maxLength: 3 }),
  }),
  'phase-add': fc.record({
    type: fc.constant('phase-add'),
    step,
    phase,
    calls: fc.array(fc.record({ ...callInfo, description: text }), { maxLength: 2 }),
  }),
  'phase-end': fc.record({ type: fc.constant('phase-end'), step, phase, durationMs: count }),
  'response-discard': fc.record({ type: fc.constant('response-discard'), step, reason: text }),
  'step-notice': fc.record({ type: fc.constant('step-notice'), step, text }),
  'plan-update': fc.record({
    type: fc.constant('plan-update'),
    plan: fc.array(fc.record({ step: text, status: mostly('pending', 'in_progress', 'completed') }), { maxLength: 3 }),
    explanation: fc.option(text, { nil: undefined }),
  }),
  'tool-call-start': fc.record({ type: fc.constant('tool-call-start'), step, phase, description: text, ...callInfo }),
  'tool-call-end': fc.record({
    type: fc.constant('tool-call-end'),
    step,
    toolCallId,
    toolName,
    status: mostly('ok', 'error', 'denied', 'cancelled'),
    durationMs: count,
    summary: text,
    output: text,
  }),
  'tool-call-invalid': fc.record({ type: fc.constant('tool-call-invalid'), step, error: text, ...callInfo }),
  'context-size': fc.record({ type: fc.constant('context-size'), step, tokens: count, window: count }),
  'compaction-start': fc.record({
    type: fc.constant('compaction-start'),
    step,
    reason: mostly('threshold', 'overflow', 'requested'),
    tokensBefore: count,
    window: count,
  }),
  'compaction-end': fc.record({
    type: fc.constant('compaction-end'),
    step,
    method: mostly('cleared-outputs', 'summary'),
    tokensBefore: count,
    tokensAfter: count,
    error: fc.option(text, { nil: undefined }),
    usage: fc.option(usage, { nil: undefined }),
  }),
  'history-replace': fc.record({ type: fc.constant('history-replace'), messages: fc.constant([]) }),
  'approval-request': fc.record({ type: fc.constant('approval-request'), step, preview, ...callInfo }),
  'approval-resolve': fc.record({ type: fc.constant('approval-resolve'), step, toolCallId, decision }),
  'history-append': fc.record({ type: fc.constant('history-append'), messages: fc.constant([]) }),
};

/** The nodes of a call's life weigh more, so random streams often move a call through several statuses. */
const CALL_LIFE: ReadonlySet<string> = new Set(['phase-start', 'phase-add', 'approval-request', 'approval-resolve', 'tool-call-start', 'tool-call-end']);
const body = fc.oneof(...Object.entries(BODIES).map(([type, arbitrary]) => ({ weight: CALL_LIFE.has(type) ? 4 : 1, arbitrary })));

/** One random agent node: any type, stamped with a random agent, parent and time. */
export const agentNodeArbitrary: fc.Arbitrary<AgentNode> = fc
  .tuple(body, agentId, fc.option(toolCallId, { nil: undefined }), time)
  .map(([body, id, parentToolCallId, stamp]) => ({ ...body, agentId: id, parentToolCallId, time: stamp }) as unknown as AgentNode);

/** One random UI event. */
export const uiEventArbitrary: fc.Arbitrary<UiEvent> = fc.oneof(
  fc.record({ type: fc.constant('turn-start'), prompt: text, time }),
  fc.record({ type: fc.constant('notice'), text, tone: fc.option(mostly('info', 'error', 'prompt', 'markdown'), { nil: undefined }) }),
  fc.record({ type: fc.constant('session-clear') }),
) as fc.Arbitrary<UiEvent>;

/** A turn whose main agent is in step 1: where most random nodes below land. */
const liveTurn: (AgentNode | UiEvent)[] = [
  { type: 'turn-start', prompt: 'go', time: 0 },
  { type: 'run-start', agentId: 'main', modelId: 'm', maxSteps: 5, time: 0 },
  { type: 'step-start', agentId: 'main', step: 1, time: 0 },
];

/** Random streams: mostly agent nodes, UI events mixed in, starting in a live turn half the time. */
export const eventStreamArbitrary: fc.Arbitrary<(AgentNode | UiEvent)[]> = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.oneof({ weight: 30, arbitrary: agentNodeArbitrary }, { weight: 1, arbitrary: uiEventArbitrary }), { maxLength: 60 }),
  )
  .map(([isLive, events]) => (isLive ? [...liveTurn, ...events] : events));
