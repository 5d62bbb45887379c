import type { HookOutcome, HookRunner } from '../../hooks/runner';
import { hookResultBodies } from '../../hooks/report';
import { toolInputFromHook } from '../../hooks/tool-input';
import type { ShoalTool } from '../../tools/types';
import type { NodeBody, ToolCallInfo } from '../nodes';
import { errorOutcome, type CallOutcome } from './run-call';

/** What running a call's hooks needs: the runner (absent: no hooks), the call and where its nodes go. */
export interface ToolHookOptions {
  hooks?: HookRunner;
  call: ToolCallInfo;
  step: number;
  signal: AbortSignal;
  emit: (body: NodeBody) => void;
}

/**
 * Runs the PreToolUse hooks matching the call and reports each as a
 * `hook-result` node; undefined when none match.
 * Contract: never rejects.
 */
export async function runPreToolUse(options: ToolHookOptions): Promise<HookOutcome | undefined> {
  const { hooks, call } = options;
  if (!hooks?.has('PreToolUse', call.toolName)) return undefined;
  const outcome = await hooks.run('PreToolUse', { tool_name: call.toolName, tool_input: call.input, tool_use_id: call.toolCallId }, { matchOn: call.toolName, signal: options.signal });
  report(options, outcome);
  return outcome;
}

/**
 * The outcome of a call its PreToolUse hooks refused (exit 2, `deny`, the older
 * `block`) or that stopped the agent; the hook's reason is what the model reads.
 * Undefined when the call may go on.
 */
export function hookDeniedOutcome(pre: HookOutcome | undefined): CallOutcome | undefined {
  if (!pre || (pre.permission !== 'deny' && pre.blockReason === undefined && pre.stopReason === undefined)) return undefined;
  const reason = pre.permission === 'deny' ? (pre.permissionReason ?? pre.blockReason) : pre.blockReason;
  const text = reason ?? 'A PreToolUse hook blocked this call.';
  return { status: 'denied', output: `Blocked by a PreToolUse hook: ${text}`, summary: `blocked by hook: ${text.split('\n', 1)[0]}`, ...stopOf(pre) };
}

/**
 * The call as its PreToolUse hooks left it: with a hook's `updatedInput` (its
 * `file_path` mapped back to `path`) in place of the model's input, checked
 * against the tool's schema. An input that is not an object or that the tool
 * does not take ends the call with one line naming the hook.
 */
export function callWithHookInput(options: { call: ToolCallInfo; tool: ShoalTool | undefined; hooks?: HookRunner }, pre: HookOutcome | undefined): { call: ToolCallInfo } | { outcome: CallOutcome } {
  const { call, tool } = options;
  if (pre?.inputProblem) return { outcome: errorOutcome(pre.inputProblem) };
  if (!pre?.updatedInput || !tool || !options.hooks) return { call };
  const shape = (tool.inputSchema as { shape?: Record<string, unknown> }).shape;
  const takesPath = shape ? Object.hasOwn(shape, 'path') : typeof (call.input as { path?: unknown } | null)?.path === 'string';
  const input = toolInputFromHook(pre.updatedInput.input, { original: call.input, cwd: options.hooks.cwd, takesPath });
  const parsed = tool.inputSchema.safeParse(input);
  if (parsed.success) return { call: { ...call, input } };
  const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`).join('; ');
  return { outcome: errorOutcome(`The PreToolUse hook \`${pre.updatedInput.command}\` gave an input ${call.toolName} does not take (${problems}); the call was not run.`) };
}

/**
 * Runs the PostToolUse hooks after a call that ran: a formatter rewrites the
 * file, a checker's complaint (exit 2 or `decision: "block"`) and any
 * `additionalContext` are added to what the model reads of the call.
 * Contract: never rejects; returns `outcome` unchanged when no hook matches.
 */
export async function runPostToolUse(options: ToolHookOptions, outcome: CallOutcome): Promise<CallOutcome> {
  const { hooks, call } = options;
  if (outcome.status !== 'ok' || !hooks?.has('PostToolUse', call.toolName)) return outcome;
  const post = await hooks.run(
    'PostToolUse',
    { tool_name: call.toolName, tool_input: call.input, tool_response: { output: outcome.output }, tool_use_id: call.toolCallId },
    { matchOn: call.toolName, signal: options.signal },
  );
  report(options, post);
  const notes = [post.blockReason && `PostToolUse hook feedback: ${post.blockReason}`, post.context && `PostToolUse hook context: ${post.context}`].filter(Boolean);
  if (notes.length === 0 && !post.stopReason) return outcome;
  return { ...outcome, output: [outcome.output, ...notes].join('\n\n'), ...stopOf(post) };
}

function report(options: ToolHookOptions, outcome: HookOutcome): void {
  for (const body of hookResultBodies(outcome, { step: options.step, toolCallId: options.call.toolCallId, toolName: options.call.toolName })) options.emit(body);
}

function stopOf(outcome: HookOutcome): Pick<CallOutcome, 'hookStopReason'> {
  return outcome.stopReason === undefined ? {} : { hookStopReason: outcome.stopReason };
}
