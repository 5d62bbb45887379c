import { raceAbort } from './concurrency';
import { PLAN_MODE_REFUSAL, protectedFiles, type RequestApproval } from './approval';
import type { HookOutcome } from '../../hooks/runner';
import { callWithHookInput, hookDeniedOutcome, runPreToolUse } from './tool-hooks';
import { errorMessage } from '../../models/model-errors';
import type { ApprovalPreview } from '../../tools/types';
import { cancelledOutcome, deniedOutcome, endCall, errorOutcome, runApprovedCall, runToolCall, type CallOutcome, type RunCallOptions } from './run-call';

/** How often one call is shown again because its file changed under the prompt, before it fails. */
export const MAX_APPROVAL_ASKS = 3;

/** What gating one call needs. */
export type GateCallOptions = RunCallOptions & {
  agentId: string;
  requestApproval: RequestApproval;
  /** True while plan mode is on: the call ends as not run, without a preview or a question. */
  isPlanning?: () => boolean;
};

/** What the gate decided: the call ended (denied, cancelled, failed preview), or may run bound to the preview approved. */
export type GateResult = { type: 'ended'; outcome: CallOutcome } | { type: 'approved'; preview: ApprovalPreview | undefined };

/**
 * Asks for approval of one write or command, runs it bound to the preview the
 * user approved, and asks again with a fresh preview when the file changed while
 * the prompt waited (at most `MAX_APPROVAL_ASKS` times).
 * Contract: never rejects; the call gets exactly one outcome.
 */
export async function runGatedCall(gated: GateCallOptions): Promise<CallOutcome> {
  const pre = await preToolUseOf(gated);
  const refused = hookDeniedOutcome(pre);
  if (refused) return endCall(gated, refused, 0);
  const hooked = callWithHookInput(gated, pre);
  if ('outcome' in hooked) return endCall(gated, hooked.outcome, 0);
  // The user approves, and the tool runs, the input the hooks left.
  const options = { ...gated, call: hooked.call };
  let askedAgainBecause: string | undefined;
  for (let ask = 1; ; ask++) {
    const gate = await gateCall(options, askedAgainBecause, pre);
    if (gate.type === 'ended') return withRanInput(gate.outcome, gated, hooked.call);
    const result = await runApprovedCall({ ...options, approvedPreview: gate.preview, canAskAgain: ask < MAX_APPROVAL_ASKS });
    if (result.status !== 'ask-again') return withRanInput(result, gated, hooked.call);
    askedAgainBecause = result.reason;
  }
}

/**
 * Runs a call that needs no approval (a read, research) after its PreToolUse
 * hooks: refused by one, it ends unrun with the hook's reason; a hook's `ask`
 * puts it to the user like a write. Contract: never rejects.
 */
export async function runHookedCall(hookedOptions: RunCallOptions & { requestApproval?: RequestApproval }): Promise<CallOutcome> {
  const pre = await preToolUseOf(hookedOptions);
  const refused = hookDeniedOutcome(pre);
  if (refused) return endCall(hookedOptions, refused, 0);
  const hooked = callWithHookInput(hookedOptions, pre);
  if ('outcome' in hooked) return endCall(hookedOptions, hooked.outcome, 0);
  const options = { ...hookedOptions, call: hooked.call };
  const ran = (outcome: CallOutcome) => withRanInput(outcome, hookedOptions, hooked.call);
  if (pre?.permission !== 'ask') return ran(await runToolCall(options));
  if (!options.requestApproval) return endCall(options, deniedOutcome('A PreToolUse hook asked for confirmation, and nobody can confirm in this run.'), 0);
  const gate = await gateCall({ ...options, requestApproval: options.requestApproval, isPlanning: undefined }, undefined, pre);
  return ran(gate.type === 'ended' ? gate.outcome : await runToolCall(options));
}

/** The outcome, carrying the input a hook gave the call when it is not the model's: the history then shows what ran. */
function withRanInput(outcome: CallOutcome, options: RunCallOptions, call: RunCallOptions['call']): CallOutcome {
  return call === options.call ? outcome : { ...outcome, ranInput: call.input };
}

/** The call's PreToolUse verdict; undefined when no hook matches or the call cannot run anyway (aborted, plan mode, bad input). */
async function preToolUseOf(options: RunCallOptions & { isPlanning?: () => boolean }): Promise<HookOutcome | undefined> {
  const { tool, call } = options;
  if (options.signal.aborted || !tool || options.isPlanning?.() || !tool.inputSchema.safeParse(call.input).success) return undefined;
  return runPreToolUse(options);
}

/**
 * Asks for approval of one call before it runs, showing what it will change.
 * Ends the call when it is denied, cancelled, or its preview fails (so nobody
 * approves a change that cannot apply). `askedAgainBecause` says why a call is
 * shown a second time. A PreToolUse `allow` (in `pre`) skips the question
 * unless a protected file is written; `ask` asks even where the mode would not.
 * Contract: never rejects.
 */
export async function gateCall(options: GateCallOptions, askedAgainBecause?: string, pre?: HookOutcome): Promise<GateResult> {
  const { call, tool, signal } = options;
  const ended = (outcome: CallOutcome): GateResult => ({ type: 'ended', outcome: endCall(options, outcome, 0) });
  if (signal.aborted) return ended(cancelledOutcome());
  if (!tool) return ended(errorOutcome(`Unknown tool ${call.toolName}.`));
  if (options.isPlanning?.()) return ended({ status: 'denied', output: PLAN_MODE_REFUSAL, summary: 'not run: plan mode' });
  const parsed = tool.inputSchema.safeParse(call.input);
  // Invalid input needs no approval: runToolCall answers it with the error.
  if (!parsed.success) return { type: 'approved', preview: undefined };

  let preview;
  try {
    preview = await raceAbort(tool.preview?.(parsed.data) ?? Promise.resolve(undefined), signal);
  } catch (error) {
    return ended(signal.aborted ? cancelledOutcome() : errorOutcome(errorMessage(error)));
  }

  // A hook's allow stands in for the user's, never for a person's word on a protected file.
  if (pre?.permission === 'allow' && protectedFiles(preview).length === 0) return { type: 'approved', preview };
  const hookAsks = pre?.permission === 'ask' ? { hookAsks: pre.permissionReason ?? 'A PreToolUse hook asks for confirmation.' } : {};
  options.emit({ type: 'approval-request', step: options.step, ...call, preview, ...(askedAgainBecause ? { askedAgainBecause } : {}) });
  let decision;
  try {
    decision = await raceAbort(options.requestApproval({ ...call, agentId: options.agentId, preview, ...hookAsks }, signal), signal);
  } catch (error) {
    return ended(signal.aborted ? cancelledOutcome() : errorOutcome(`Approval failed: ${errorMessage(error)}`));
  }
  options.emit({ type: 'approval-resolve', step: options.step, toolCallId: call.toolCallId, decision });
  if (decision.type === 'deny') return ended(deniedOutcome(decision.feedback));
  return { type: 'approved', preview };
}
