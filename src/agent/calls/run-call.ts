import { errorMessage } from '../../models/model-errors';
import { PreviewChangedError } from '../../tools/edit/preview-binding';
import type { ApprovalPreview, DelegatedApproval, ShoalTool, ToolImage } from '../../tools/types';
import { raceAbort } from './concurrency';
import { oneLine } from '../text';
import type { AgentNode, NodeBody, Phase, ToolCallInfo, ToolCallStatus } from '../nodes';
import type { HookRunner } from '../../hooks/runner';
import { runPostToolUse } from './tool-hooks';

/** How one call ended: what the model gets back and what the UI shows. */
export interface CallOutcome {
  status: ToolCallStatus;
  output: string;
  summary: string;
  /** Present when the user denied the call and said why. */
  feedback?: string;
  /** Images the tool returned beside its text (read_file of an image). */
  images?: ToolImage[];
  /** Set when a hook of this call said `continue: false`: the run stops after this step, and this says why. */
  hookStopReason?: string;
  /** Set when a PreToolUse hook replaced the call's input (`updatedInput`): the input that ran, which the history records. */
  ranInput?: unknown;
}

/** What running one call needs; `emit` stamps bodies, `push` forwards nested agents' nodes as they are. */
export interface RunCallOptions {
  agentId: string;
  batchPrefix: string;
  call: ToolCallInfo;
  tool: ShoalTool | undefined;
  step: number;
  phase: Phase;
  signal: AbortSignal;
  emit: (body: NodeBody) => void;
  push: (node: AgentNode) => void;
  /** The agent's approval, passed on to an agent the tool runs (see `ToolExecuteContext.approval`). */
  requestApproval?: DelegatedApproval['requestApproval'];
  isPlanning?: () => boolean;
  /** The user's PreToolUse and PostToolUse hooks; none run without it. */
  hooks?: HookRunner;
}

/** A write whose approved preview no longer matched the disk: nothing was written, the call is not ended, and the user is asked again. */
export interface AskAgain {
  status: 'ask-again';
  /** Why, for the new prompt, e.g. "a.ts changed while waiting for approval (it was created) ...". */
  reason: string;
}

/** A call the user approved: the preview it is bound to, and whether a changed file may be asked about again. */
export interface ApprovedCallOptions extends RunCallOptions {
  approvedPreview: ApprovalPreview | undefined;
  canAskAgain: boolean;
}

/**
 * Runs one tool call inside its phase and reports it with `tool-call-start`
 * and `tool-call-end` (or only `tool-call-end` when it never starts).
 * Contract: never rejects; the outcome says ok, error or cancelled.
 */
export async function runToolCall(options: RunCallOptions): Promise<CallOutcome> {
  const result = await runApprovedCall({ ...options, approvedPreview: undefined, canAskAgain: false });
  // Without `canAskAgain` a changed preview ends as an error; this only narrows the type.
  return result.status === 'ask-again' ? endCall(options, errorOutcome(result.reason), 0) : result;
}

/**
 * `runToolCall` for an approved write or command: the tool checks the file
 * against `approvedPreview`, and a `PreviewChangedError` comes back as
 * `ask-again` (without `tool-call-end`) while `canAskAgain` holds.
 * Contract: never rejects.
 */
export async function runApprovedCall(options: ApprovedCallOptions): Promise<CallOutcome | AskAgain> {
  const { call, tool, signal } = options;
  if (signal.aborted) return endCall(options, cancelledOutcome(), 0);
  if (!tool) return endCall(options, errorOutcome(`Unknown tool ${call.toolName}.`), 0);
  const parsed = tool.inputSchema.safeParse(call.input);
  if (!parsed.success) return endCall(options, errorOutcome(invalidInputMessage(call.toolName, parsed.error)), 0);

  options.emit({
    type: 'tool-call-start',
    step: options.step,
    phase: options.phase,
    ...call,
    description: describeSafely(tool, parsed.data),
  });
  const started = performance.now();
  let outcome: CallOutcome;
  try {
    const running = tool.execute(parsed.data, {
      signal,
      toolCallId: call.toolCallId,
      batchId: `${options.batchPrefix}:${options.step}`,
      emit: options.push,
      report: options.emit,
      ...(options.requestApproval ? { approval: { requestApproval: options.requestApproval, isPlanning: options.isPlanning } } : {}),
      ...(options.approvedPreview ? { approvedPreview: options.approvedPreview } : {}),
    });
    // A read can be abandoned the moment the user interrupts: it changes nothing. A write, a
    // command or a research agent is awaited, since each stops on the signal itself: its
    // result then says what really happened (a file written just before the abort is "ok",
    // not "cancelled"), and a research agent's last nodes still reach the stream.
    const result = await (options.phase === 'read-only' ? raceAbort(running, signal) : running);
    outcome = { status: 'ok', ...result };
  } catch (error) {
    const isPreviewChanged = error instanceof PreviewChangedError && !signal.aborted;
    if (isPreviewChanged && options.canAskAgain) return { status: 'ask-again', reason: error.message };
    const message = isPreviewChanged ? `${error.message} It kept changing while the user was asked; read it again before retrying.` : errorMessage(error);
    outcome = signal.aborted ? cancelledOutcome() : errorOutcome(message);
  }
  // Timed with the call: a formatter hook is part of what the write took.
  outcome = await runPostToolUse(options, outcome);
  return endCall(options, outcome, performance.now() - started);
}

/** Reports a call that ends without running (denied, invalid, cancelled before start) or after it ran. */
export function endCall(options: Pick<RunCallOptions, 'call' | 'step' | 'emit'>, outcome: CallOutcome, durationMs: number): CallOutcome {
  options.emit({
    type: 'tool-call-end',
    step: options.step,
    toolCallId: options.call.toolCallId,
    toolName: options.call.toolName,
    status: outcome.status,
    durationMs,
    summary: outcome.summary,
    output: outcome.output,
  });
  return outcome;
}

/** The outcome of a call stopped by an interrupt before it finished. */
export function cancelledOutcome(): CallOutcome {
  return { status: 'cancelled', output: 'Cancelled: the user interrupted this call before it finished.', summary: 'cancelled' };
}

/** The outcome of a call that failed; `message` tells the model what went wrong. */
export function errorOutcome(message: string): CallOutcome {
  return { status: 'error', output: message, summary: firstLine(message) };
}

/** The outcome of a call the user denied, with what they said to the model, if anything. */
export function deniedOutcome(feedback: string | undefined): CallOutcome {
  const output = feedback
    ? `The user denied this call and said: ${feedback}`
    : 'The user denied this call. Do not retry it as is; ask or take another approach.';
  return { status: 'denied', output, summary: feedback ? `denied: ${firstLine(feedback)}` : 'denied', feedback };
}

function invalidInputMessage(toolName: string, error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const problems = error.issues.map((issue) => `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`);
  return `Invalid input for ${toolName}: ${problems.join('; ')}. Fix the arguments and call it again.`;
}

/** The tool's one-line description of a call, or "" when the input does not fit the tool. */
export function describeCall(tool: ShoalTool | undefined, input: unknown): string {
  const parsed = tool?.inputSchema.safeParse(input);
  if (!tool || !parsed?.success) return '';
  return describeSafely(tool, parsed.data);
}

function describeSafely(tool: ShoalTool, input: unknown): string {
  try {
    return tool.describe(input);
  } catch {
    return '';
  }
}

function firstLine(text: string): string {
  return oneLine(text.split('\n', 1)[0] ?? '', 120);
}
