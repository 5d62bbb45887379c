import type { LanguageModel, ModelMessage } from 'ai';
import { currentTools, type ToolSource } from '../tools/registry';
import type { RequestApproval } from './calls/approval';
import { createEarlyCalls } from './calls/early-calls';
import { createNodeRelay } from './node-channel';
import { streamModelStep } from './model-step';
import type { ProviderOptions } from '../models/model';
import type { ModelPrice } from '../models/prices';
import type { RetryPolicy } from '../models/retry-policy';
import type { AgentNode, NodeBody, RunEndReason, Usage } from './nodes';
import { compactionThreshold, type ContextBudget } from './context/budget';
import { compactHistory, type CompactOptions } from './context/compact';
import { createRepeatGuard, cutOffStop } from './calls/repeat-guard';
import { errorMessage, type ModelErrorClass } from '../models/model-errors';
import { cancelledOutcome, errorOutcome } from './calls/run-call';
import { runPhases } from './calls/run-phases';
import { capStepOutputs } from './step-output-cap';
import { givenNotice, type AttachFolderInstructions } from './instructions/folder-delivery';
import { now } from './text';
import { toolCallIdsOf, toToolResultPart, withRanInputs, withToolResults } from './calls/tool-results';
import { addUsage, ZERO_USAGE } from './usage';
import type { HookRunner } from '../hooks/runner';
import { runStopHooks } from './stop-hooks';
import { runSubagentStart } from './subagent-start';
import { runCompactedSessionStart, runPreCompact } from './compact-hooks';

/** Everything one agent run needs; the main agent and research sub-agents pass different tools and prompts. */
export interface RunAgentOptions {
  model: LanguageModel;
  instructions: string;
  /** The conversation so far, ending with the user's new message. */
  messages: readonly ModelMessage[];
  /** The tools, or a getter read at each model step, so tools that join mid-turn (MCP servers starting) reach the next step. */
  tools: ToolSource;
  signal: AbortSignal;
  requestApproval: RequestApproval;
  /** True while plan mode is on, read at each write: writes and commands then end unrun, without asking. */
  isPlanning?: () => boolean;
  /** "main" for the top-level agent. */
  agentId?: string;
  /** The `research_codebase` call that spawned this agent, if any. */
  parentToolCallId?: string;
  /** Model calls allowed in this run (default 50). */
  maxSteps?: number;
  /** Read-only calls in flight at once (default 8). */
  concurrency?: number;
  providerOptions?: ProviderOptions;
  /** Retries after a failed model call (0: none); the policy's count when absent. */
  maxRetries?: number;
  retryPolicy?: RetryPolicy;
  /** The model's price, when shoal knows it: usage then carries a cost. */
  price?: ModelPrice;
  /** The model's window and how full the history may grow; without it the history is never compacted. */
  context?: ContextBudget;
  /** Compact the history and stop, without a model step (the /compact command); `focus` is what to keep. */
  compactOnly?: { focus?: string };
  /**
   * Messages the user sent while this run works, taken at each step boundary (after a step's tool
   * results, before the next model call) and appended as user messages.
   * Contract: returns each message once; an empty list when there is none.
   */
  takeQueuedMessages?: () => string[];
  /** Appends the instructions (AGENTS.md, CLAUDE.md) of the subfolders a step's calls worked in to their results. */
  folderInstructions?: AttachFolderInstructions;
  /**
   * The user's hooks: PreToolUse and PostToolUse around every call, Stop when the main agent would end its turn,
   * SubagentStart and SubagentStop for a sub-agent with an `agentType`.
   */
  hooks?: HookRunner;
  /** A sub-agent's type as its hooks' matchers see it: a user agent's name, or "research". */
  agentType?: string;
}

/** Model calls one run may make when the caller does not say. */
export const DEFAULT_MAX_STEPS = 50;

// Numbers runs within the process, so batch ids ("run 3, main, step 2") never repeat across turns.
let runCounter = 0;
export const DEFAULT_CONCURRENCY = 8;

/**
 * The one agent loop: one model step at a time, then that step's tool calls in
 * phases (research, read-only batch, writes one by one), repeated until the
 * model answers without calls. Reports everything as a stream of nodes.
 * Contract: never throws; always ends with exactly one `run-end` node, whose
 * reason says done, aborted, error, step-limit or repeated-call.
 */
export async function* runAgent(options: RunAgentOptions): AsyncGenerator<AgentNode> {
  const agentId = options.agentId ?? 'main';
  const runId = ++runCounter;
  const stamp = (body: NodeBody): AgentNode =>
    ({ ...body, agentId, parentToolCallId: options.parentToolCallId, time: now() }) as AgentNode;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  let usage: Usage = ZERO_USAGE;
  const messages = [...options.messages];
  let text = '';
  let step = 0;
  const repeats = createRepeatGuard();
  // Turns a Stop hook has already kept going: its input says so, and the count bounds a hook that always blocks.
  let stopContinues = 0;
  // Calls started while a response streams report through it, between the loop's own yields too.
  const relay = createNodeRelay();
  const end = (reason: RunEndReason, error?: string, errorKind?: ModelErrorClass) =>
    stamp({ type: 'run-end', reason, text, usage: { ...usage }, steps: step, ...(error ? { error } : {}), ...(errorKind ? { errorKind } : {}) });

  const budget = options.context;
  // One registry per step: the calls of a response run against the tools the model was shown.
  let tools = currentTools(options.tools);
  const requestTokens = () => budget?.estimate({ instructions: options.instructions, messages, toolCount: tools.size }) ?? 0;
  /** Compacts `messages` in place; true when it changed, or when /compact found it short enough as it is. */
  async function* compact(reason: CompactOptions['reason'], focus?: string): AsyncGenerator<AgentNode, boolean> {
    if (!budget) return false;
    // The session's compaction hooks are the main agent's; a sub-agent's history is its own affair.
    const isMain = !options.parentToolCallId;
    if (isMain) yield* stampAll(runPreCompact({ hooks: options.hooks, trigger: reason === 'requested' ? 'manual' : 'auto', focus, step, signal: options.signal }), stamp);
    const compacted = yield* stampAll(compactHistory({ ...options, messages, budget, reason, step, focus, toolCount: tools.size }), (body) => {
      // The summary is a model call like a step: the run's usage counts it.
      if (body.type === 'compaction-end' && body.usage) usage = addUsage(usage, body.usage);
      return stamp(body);
    });
    if (!compacted) return false;
    if (compacted === 'unchanged') return true;
    const replaced = isMain ? yield* stampAll(runCompactedSessionStart({ hooks: options.hooks, messages: compacted, step }), stamp) : compacted;
    messages.splice(0, messages.length, ...replaced);
    yield stamp({ type: 'history-replace', messages: replaced });
    return true;
  }

  yield stamp({ type: 'run-start', modelId: modelIdOf(options.model), maxSteps });
  const subagent = options.parentToolCallId && options.agentType !== undefined ? { agentId, agentType: options.agentType } : undefined;
  try {
    if (subagent) messages.splice(0, messages.length, ...(yield* stampAll(runSubagentStart({ hooks: options.hooks, subagent, messages, signal: options.signal }), stamp)));
    if (options.compactOnly) {
      const isCompacted = yield* compact('requested', options.compactOnly.focus);
      return yield isCompacted ? end('done') : end('error', 'The conversation could not be compacted.');
    }
    for (;;) {
      if (options.signal.aborted) return yield end('aborted');
      if (step >= maxSteps) return yield end('step-limit');
      step += 1;
      tools = currentTools(options.tools);
      yield stamp({ type: 'step-start', step });
      const started = performance.now();
      if (budget && requestTokens() > compactionThreshold(budget)) yield* compact('threshold');
      let estimated = requestTokens();
      if (budget) yield stamp({ type: 'context-size', step, tokens: estimated, window: budget.window().tokens });
      const batchPrefix = `${runId}:${agentId}`;
      const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
      const early = createEarlyCalls({
        agentId,
        batchPrefix,
        step,
        tools,
        signal: options.signal,
        concurrency,
        // A call with PreToolUse hooks waits for its final input: the hook judges what runs, and may ask.
        mayStartEarly: (call) => !repeats.mayRepeat(call) && !options.hooks?.has('PreToolUse', call.toolName),
        hooks: options.hooks,
        emit: (body) => relay.push(stamp(body)),
        push: relay.push,
      });
      const streamStep = () =>
        relay.drain(async (push) => {
          const bodies = streamModelStep({ ...options, tools, messages, step, early });
          for (;;) {
            const next = await bodies.next();
            if (next.done) {
              // A failed or aborted response leaves no call of its own running.
              if (next.value.error !== undefined) await early.cancel();
              return next.value;
            }
            push(stamp(next.value));
          }
        });
      let result = yield* streamStep();
      // The server said the request is too long (or, as LM Studio does, answered nothing at all):
      // compact and try once more, rather than lose the session. Only a certain refusal lowers the window.
      const isOverflow = result.errorKind?.kind === 'context-overflow';
      if (isOverflow && result.errorKind!.isCertain) budget?.observeOverflow(estimated);
      if (isOverflow && !options.signal.aborted && (yield* compact('overflow'))) {
        estimated = requestTokens();
        yield stamp({ type: 'context-size', step, tokens: estimated, window: budget!.window().tokens });
        early.reset();
        result = yield* streamStep();
      }
      const overlapMs = early.overlapMs(performance.now());
      if (budget && result.error === undefined) budget.observe(estimated, result.usage.inputTokens);
      usage = addUsage(usage, result.usage);
      // The result is this step's text, even empty: an earlier step's would pass stale words for the answer.
      text = result.text;
      const toolCalls = result.calls.length + result.invalidCalls.length;
      const durationMs = performance.now() - started;

      if (result.error !== undefined) {
        const isAborted = options.signal.aborted;
        yield stamp({ type: 'step-end', step, finishReason: isAborted ? 'aborted' : 'error', usage: result.usage, toolCalls: 0, durationMs });
        // Keep what was said before the cut: the history stays valid and reads right.
        if (result.text) yield stamp({ type: 'history-append', messages: [{ role: 'assistant', content: result.text }] });
        return yield isAborted ? end('aborted') : end('error', result.error, result.errorKind);
      }
      yield stamp({ type: 'step-end', step, finishReason: result.finishReason, usage: result.usage, toolCalls, durationMs, ...(overlapMs > 0 ? { overlapMs } : {}) });
      // A call that started early and then failed to parse shows as cancelled where it ran.
      for (const invalid of result.invalidCalls) if (!early.has(invalid.toolCallId)) yield stamp({ type: 'tool-call-invalid', step, ...invalid });

      // A response that must not run: cut off mid-stream, or a call repeated too often.
      const stop = result.finishReason === 'interrupted' ? cutOffStop(result.cutOffReason) : repeats.check(result.calls);
      if (stop || result.calls.length === 0) yield* relay.drain(() => early.cancel());
      if (stop) {
        for (const call of result.calls) if (!early.has(call.toolCallId)) yield stamp({ type: 'tool-call-invalid', step, ...call, error: stop.callError });
        // Answer the calls the kept response holds (a cut-off one may hold none).
        const kept = new Set(toolCallIdsOf(result.responseMessages));
        const stepMessages = withToolResults(
          result.responseMessages,
          result.calls.filter((call) => kept.has(call.toolCallId)).map((call) => toToolResultPart(call, errorOutcome(stop.callError))),
        );
        messages.push(...stepMessages);
        yield stamp({ type: 'history-append', messages: stepMessages });
        return yield end(stop.reason, stop.message);
      }

      if (result.calls.length === 0) {
        messages.push(...result.responseMessages);
        yield stamp({ type: 'history-append', messages: result.responseMessages });
        if (result.invalidCalls.length > 0) continue;
        // A sub-agent without a type (none of shoal's own) runs no stop hooks.
        const feedback =
          options.parentToolCallId && !subagent
            ? undefined
            : yield* stampAll(runStopHooks({ hooks: options.hooks, step, continues: stopContinues, lastMessage: result.text, subagent, signal: options.signal }), stamp);
        if (feedback === undefined) return yield end('done');
        stopContinues += 1;
        messages.push(feedback);
        yield stamp({ type: 'history-append', messages: [feedback] });
        continue;
      }

      const outcomes = yield* relay.drain(async (push) => {
        const ran = await runPhases({ ...options, tools, agentId, batchPrefix, step, calls: result.calls, concurrency, early, emit: (body) => push(stamp(body)), push });
        // Closes what a superseded early call left open.
        await early.cancel();
        return ran;
      });
      const instructed = options.folderInstructions ? await options.folderInstructions({ calls: result.calls, outcomes, history: messages }) : { outcomes, given: [] };
      for (const file of instructed.given) yield stamp({ type: 'step-notice', step, text: givenNotice(file) });
      const parts = capStepOutputs(result.calls.map((call) => toToolResultPart(call, instructed.outcomes.get(call.toolCallId) ?? cancelledOutcome())));
      const stepMessages = withToolResults(withRanInputs(result.responseMessages, outcomes), parts);
      messages.push(...stepMessages);
      yield stamp({ type: 'history-append', messages: stepMessages });
      // A hook said `continue: false`: the calls are answered, and the agent stops here.
      if ([...outcomes.values()].some((outcome) => outcome.hookStopReason !== undefined)) return yield end('done');
      // Only here: a user message between a tool call and its result would make the history invalid.
      for (const queued of options.takeQueuedMessages?.() ?? []) {
        messages.push({ role: 'user', content: queued });
        yield stamp({ type: 'user-message', step, text: queued });
      }
    }
  } catch (error) {
    // A bug of ours, not the model's: still end the run cleanly.
    yield end('error', `Internal error: ${errorMessage(error)}`);
  }
}

async function* stampAll<R>(
  bodies: AsyncGenerator<NodeBody, R>,
  stamp: (body: NodeBody) => AgentNode,
): AsyncGenerator<AgentNode, R> {
  for (;;) {
    const next = await bodies.next();
    if (next.done) return next.value;
    yield stamp(next.value);
  }
}

function modelIdOf(model: LanguageModel): string {
  return typeof model === 'string' ? model : model.modelId;
}
