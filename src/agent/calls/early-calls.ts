import type { ToolRegistry } from '../../tools/registry';
import type { HookRunner } from '../../hooks/runner';
import { phaseOf } from './classify';
import type { AgentNode, NodeBody, Phase, ToolCallInfo } from '../nodes';
import { describeCall, errorOutcome, runToolCall, type CallOutcome } from './run-call';

const SUPERSEDED = 'This call started while its arguments streamed, but the arguments that arrived in the end differ; it was stopped. Make it again if it is still needed.';

/** What starting calls while their response still streams needs. */
export interface EarlyCallsOptions {
  agentId: string;
  batchPrefix: string;
  step: number;
  tools: ToolRegistry;
  signal: AbortSignal;
  /** Most read-only calls in flight at once (research calls are not capped, as in their phase). */
  concurrency: number;
  /** False for a call that must wait for the whole response (one the repeat guard may stop). */
  mayStartEarly: (call: ToolCallInfo) => boolean;
  emit: (body: NodeBody) => void;
  push: (node: AgentNode) => void;
  /** The user's hooks: PostToolUse runs after an early call too (calls with PreToolUse hooks never start early). */
  hooks?: HookRunner;
}

/** One call started before its response ended. */
interface StartedCall {
  call: ToolCallInfo;
  phase: Phase;
  outcome?: Promise<CallOutcome>;
  abort: () => void;
  /** The response's final input for it differed (or did not parse): this run answers nothing. */
  isSuperseded: boolean;
  /** When it got a slot and began to run; its end, once it ended. */
  runningSince?: number;
  endedAt?: number;
}

/** A call of the streaming response, as far as its arguments have arrived. */
interface StreamingCall {
  toolName: string;
  /** The arguments so far; not kept for a tool that can never start early (a 4 MB write_file). */
  text: string;
  isTracked: boolean;
  /** Set once the arguments are complete. */
  input?: unknown;
  /** Judged complete and not a write: started, or left for the end. Never parsed again (a response may hold thousands of calls). */
  isJudged?: boolean;
}

/**
 * Starts a response's research calls and read-only calls the moment their
 * arguments are complete, while the model still writes the rest, as long as
 * no write or command comes before them in the response. Chat Completions
 * clients announce every `tool-call` only when the stream ends, so a call
 * counts as complete once its arguments parse as one JSON object, or the next
 * call starts, or its `tool-call` arrives (the Responses API's, mid-stream).
 * Early calls join live phase panels; `settle` ends them as their phases
 * when the response stands, `cancel` when it is cut or retried.
 */
export interface EarlyCalls {
  inputStart(id: string, toolName: string): void;
  inputDelta(id: string, delta: string): void;
  inputEnd(id: string): void;
  /** The SDK's own call (`isInvalid` when its input did not parse or fit): the final word on its input. */
  toolCall(call: ToolCallInfo, isInvalid: boolean): void;
  has(toolCallId: string): boolean;
  /**
   * Runs `calls` (one planned phase of the standing response) to their ends:
   * the early ones are awaited, any other is started now in the same panel.
   * Contract: never rejects; sets one outcome per call and ends the phase.
   */
  settle(phase: Phase, calls: readonly ToolCallInfo[], outcomes: Map<string, CallOutcome>): Promise<void>;
  /** Cancels every early call and waits until each has ended, so nothing of it arrives later. */
  cancel(): Promise<void>;
  /** Forgets the cancelled attempt, ready for the next response of the same step. */
  reset(): void;
  /** How long early calls ran before `streamEnd`: the wall time the overlap saved. */
  overlapMs(streamEnd: number): number;
}

export function createEarlyCalls(options: EarlyCallsOptions): EarlyCalls {
  // Cancels this response's early calls; the turn's own signal reaches them through AbortSignal.any,
  // which holds no strong reference to them once they end (a listener on the turn's signal would keep every step's outcomes).
  let controller = new AbortController();
  let order: string[] = [];
  let streaming = new Map<string, StreamingCall>();
  let started = new Map<string, StartedCall>();
  let openPhases = new Map<Phase, number>();
  // A write or command came first: nothing after it starts early.
  let isBlocked = false;
  const slots = createSlots(options.concurrency);

  const complete = (id: string) => {
    const entry = streaming.get(id);
    if (!entry || entry.input !== undefined || !entry.isTracked) return;
    const input = parseObject(entry.text);
    if (input !== undefined) entry.input = input;
  };

  const start = (call: ToolCallInfo, phase: Phase) => {
    const tool = options.tools.get(call.toolName);
    const description = describeCall(tool, call.input);
    options.emit({ type: openPhases.has(phase) ? 'phase-add' : 'phase-start', step: options.step, phase, calls: [{ ...call, description }] });
    if (!openPhases.has(phase)) openPhases.set(phase, performance.now());
    const own = new AbortController();
    const signal = AbortSignal.any([options.signal, controller.signal, own.signal]);
    const entry: StartedCall = { call, phase, abort: () => own.abort(new Error('Cancelled')), isSuperseded: false };
    const run = async () => {
      entry.runningSince = performance.now();
      try {
        return await runToolCall({ ...options, call, tool, phase, signal });
      } finally {
        entry.endedAt = performance.now();
      }
    };
    entry.outcome = phase === 'read-only' ? slots.run(run) : run();
    started.set(call.toolCallId, entry);
  };

  // Walks the response's calls in the model's order, starting every complete one up to the first write.
  const advance = () => {
    if (isBlocked || options.signal.aborted) return;
    for (const id of order) {
      const entry = streaming.get(id)!;
      if (entry.isJudged) continue;
      const tool = options.tools.get(entry.toolName);
      // An unknown tool fails at once as an invalid call, in no phase; it holds nothing up.
      if (!tool) continue;
      if (entry.input === undefined) {
        // Its phase may depend on its input (web_fetch): wait for it.
        if (tool.kindOf || tool.kind === 'write') return;
        continue;
      }
      const phase = phaseOf(tool, entry.input);
      if (phase === 'write') {
        isBlocked = true;
        return;
      }
      entry.isJudged = true;
      const call = { toolCallId: id, toolName: entry.toolName, input: entry.input };
      if (started.has(id) || !tool.inputSchema.safeParse(entry.input).success || !options.mayStartEarly(call)) continue;
      start(call, phase);
    }
  };

  return {
    inputStart(id, toolName) {
      if (streaming.has(id)) return;
      // The next call starting completes the one before.
      const previous = order.at(-1);
      if (previous !== undefined) complete(previous);
      const tool = options.tools.get(toolName);
      order.push(id);
      streaming.set(id, { toolName, text: '', isTracked: tool !== undefined && (tool.kind !== 'write' || tool.kindOf !== undefined) });
      advance();
    },
    inputDelta(id, delta) {
      const entry = streaming.get(id);
      if (!entry?.isTracked || entry.input !== undefined) return;
      entry.text += delta;
      // Only text that could close an object is worth parsing.
      if (!/}\s*$/.test(delta)) return;
      complete(id);
      if (entry.input !== undefined) advance();
    },
    inputEnd(id) {
      complete(id);
      advance();
    },
    toolCall(call, isInvalid) {
      const early = started.get(call.toolCallId);
      if (early) {
        // Its final input is not what ran (trailing text broke the JSON): that run is not this call's answer.
        if (isInvalid || !sameJson(early.call.input, call.input)) {
          early.isSuperseded = true;
          early.abort();
        }
        return;
      }
      let entry = streaming.get(call.toolCallId);
      if (!entry) {
        entry = { toolName: call.toolName, text: '', isTracked: false };
        order.push(call.toolCallId);
        streaming.set(call.toolCallId, entry);
      }
      if (isInvalid) {
        // An invalid call runs in no phase, but it sits where it sits: a later read still waits for what came before it.
        entry.input = undefined;
        entry.isTracked = false;
        streaming.delete(call.toolCallId);
        order = order.filter((id) => id !== call.toolCallId);
      } else {
        entry.input = call.input;
      }
      advance();
    },
    has(toolCallId) {
      return started.has(toolCallId);
    },
    async settle(phase, calls, outcomes) {
      for (const call of calls) if (!started.has(call.toolCallId)) start(call, phase);
      await Promise.all(
        calls.map(async (call) => {
          const entry = started.get(call.toolCallId)!;
          const outcome = await entry.outcome!;
          outcomes.set(call.toolCallId, entry.isSuperseded ? errorOutcome(SUPERSEDED) : outcome);
        }),
      );
      endPhase(phase);
    },
    async cancel() {
      controller.abort(new Error('Cancelled: the response was discarded.'));
      await Promise.allSettled([...started.values()].map((entry) => entry.outcome));
      for (const phase of [...openPhases.keys()]) endPhase(phase);
    },
    reset() {
      controller = new AbortController();
      order = [];
      streaming = new Map();
      started = new Map();
      openPhases = new Map();
      isBlocked = false;
    },
    overlapMs(streamEnd) {
      const spans = [...started.values()]
        .filter((entry) => entry.runningSince !== undefined && entry.runningSince < streamEnd)
        .map((entry) => [entry.runningSince!, Math.min(entry.endedAt ?? streamEnd, streamEnd)] as const)
        .sort((a, b) => a[0] - b[0]);
      let total = 0;
      let reached = Number.NEGATIVE_INFINITY;
      for (const [from, to] of spans) {
        const begin = Math.max(from, reached);
        if (to > begin) total += to - begin;
        reached = Math.max(reached, to);
      }
      return total;
    },
  };

  function endPhase(phase: Phase) {
    const since = openPhases.get(phase);
    if (since === undefined) return;
    openPhases.delete(phase);
    const ends = [...started.values()].filter((entry) => entry.phase === phase).map((entry) => entry.endedAt ?? performance.now());
    options.emit({ type: 'phase-end', step: options.step, phase, durationMs: Math.max(0, ...ends) - since });
  }
}

/** The value of `text` when it is one whole JSON object; undefined while it is not (yet). */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** At most `limit` tasks running at once, started in the order they asked. */
function createSlots(limit: number): { run<T>(task: () => Promise<T>): Promise<T> } {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return {
    async run(task) {
      if (running >= Math.max(1, limit)) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
