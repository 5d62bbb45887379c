import { raceAbort } from './concurrency';
import type { RequestApproval } from './approval';
import { errorMessage } from '../models/model-errors';
import { cancelledOutcome, deniedOutcome, endCall, errorOutcome, type CallOutcome, type RunCallOptions } from './run-call';

/**
 * Asks for approval of one write or command before it runs. Returns `undefined`
 * when it may run, or the outcome it ended with (denied, cancelled, or an error
 * found while computing the preview, so nobody approves a change that cannot apply).
 * Contract: never rejects.
 */
export async function gateCall(
  options: RunCallOptions & { agentId: string; requestApproval: RequestApproval },
): Promise<CallOutcome | undefined> {
  const { call, tool, signal } = options;
  if (signal.aborted) return endCall(options, cancelledOutcome(), 0);
  if (!tool) return endCall(options, errorOutcome(`Unknown tool ${call.toolName}.`), 0);
  const parsed = tool.inputSchema.safeParse(call.input);
  // Invalid input needs no approval: runToolCall answers it with the error.
  if (!parsed.success) return undefined;

  let preview;
  try {
    preview = await raceAbort(tool.preview?.(parsed.data) ?? Promise.resolve(undefined), signal);
  } catch (error) {
    return endCall(options, signal.aborted ? cancelledOutcome() : errorOutcome(errorMessage(error)), 0);
  }

  options.emit({ type: 'approval-request', step: options.step, ...call, preview });
  let decision;
  try {
    decision = await raceAbort(options.requestApproval({ ...call, agentId: options.agentId, preview }, signal), signal);
  } catch (error) {
    const outcome = signal.aborted ? cancelledOutcome() : errorOutcome(`Approval failed: ${errorMessage(error)}`);
    return endCall(options, outcome, 0);
  }
  options.emit({ type: 'approval-resolve', step: options.step, toolCallId: call.toolCallId, decision });
  if (decision.type === 'deny') return endCall(options, deniedOutcome(decision.feedback), 0);
  return undefined;
}
