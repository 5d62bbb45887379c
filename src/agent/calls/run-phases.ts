import type { ToolRegistry } from '../../tools/registry';
import type { RequestApproval } from './approval';
import { planPhases } from './classify';
import { mapConcurrently } from './concurrency';
import type { EarlyCalls } from './early-calls';
import { runGatedCall, runHookedCall } from './gate-call';
import type { HookRunner } from '../../hooks/runner';
import type { AgentNode, NodeBody, Phase, ToolCallInfo } from '../nodes';
import { describeCall, runToolCall, type CallOutcome } from './run-call';

/** Everything one model response's tool calls need to run. */
export interface RunPhasesOptions {
  agentId: string;
  /** Unique per run and agent; with the step it names the batch a write belongs to (for /undo). */
  batchPrefix: string;
  step: number;
  calls: readonly ToolCallInfo[];
  tools: ToolRegistry;
  signal: AbortSignal;
  /** Most read-only calls in flight at once. */
  concurrency: number;
  requestApproval: RequestApproval;
  /** True while plan mode is on (read at each write). */
  isPlanning?: () => boolean;
  /** The calls this response started while it streamed: their phases are settled, not started again. */
  early?: EarlyCalls;
  emit: (body: NodeBody) => void;
  push: (node: AgentNode) => void;
  /** The user's tool hooks: PreToolUse before each call (and its approval), PostToolUse after it. */
  hooks?: HookRunner;
}

/**
 * Runs one response's calls in phases (see `planPhases`): research calls
 * concurrently, then all read-only calls as one parallel batch, then writes
 * and commands one at a time in the model's order, each after approval; a
 * read the model placed after a write runs in a later phase, after it.
 * The phases whose calls started while the response streamed (research and
 * reads before the first write) are already live: they are awaited together.
 * Contract: never rejects; every call gets exactly one outcome.
 */
export async function runPhases(options: RunPhasesOptions): Promise<Map<string, CallOutcome>> {
  const outcomes = new Map<string, CallOutcome>();
  const { early } = options;
  const planned = planPhases(options.calls, options.tools);
  const live = early ? planned.filter(({ phase, calls }) => phase !== 'write' && calls.some((call) => early.has(call.toolCallId))) : [];
  await Promise.all(live.map(({ phase, calls }) => early!.settle(phase, calls, outcomes)));
  for (const { phase, calls } of planned) {
    if (live.some((settled) => settled.calls === calls)) continue;
    const described = calls.map((call) => ({ ...call, description: describeCall(options.tools.get(call.toolName), call.input) }));
    options.emit({ type: 'phase-start', step: options.step, phase, calls: described });
    const started = performance.now();
    await runPhase(options, phase, calls, outcomes);
    options.emit({ type: 'phase-end', step: options.step, phase, durationMs: performance.now() - started });
  }
  return outcomes;
}

async function runPhase(
  options: RunPhasesOptions,
  phase: Phase,
  calls: ToolCallInfo[],
  outcomes: Map<string, CallOutcome>,
): Promise<void> {
  const callOptions = (call: ToolCallInfo) => ({ ...options, call, phase, tool: options.tools.get(call.toolName) });
  const run = async (call: ToolCallInfo) => {
    outcomes.set(call.toolCallId, await runHookedCall(callOptions(call)));
  };
  switch (phase) {
    case 'research':
      await Promise.all(calls.map(run));
      return;
    case 'read-only':
      await mapConcurrently(calls, options.concurrency, run);
      return;
    case 'write':
      // A user's agent with write tools asks for each of its own writes, not for being started.
      for (const call of calls) outcomes.set(call.toolCallId, options.tools.get(call.toolName)?.isDelegating ? await runToolCall(callOptions(call)) : await runGatedCall(callOptions(call)));
  }
}
