import type { ApprovalPreview } from '../tools/types';
import type { ApprovalDecision, ToolCallInfo } from './nodes';

/** What the user is asked about: one write or command, with what it will change. */
export interface ApprovalRequest extends ToolCallInfo {
  agentId: string;
  preview?: ApprovalPreview;
}

/**
 * Asks whether a write or command may run.
 * Contract: settles exactly once per request; may settle at once (a policy
 * answering) or wait for a key press; `signal` aborts when the run is
 * interrupted, after which the answer is ignored.
 */
export type RequestApproval = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalDecision>;

/** Denies every write and command; for agents that should never have asked (research). */
export const denyAll: RequestApproval = async () => ({
  type: 'deny',
  feedback: 'Writes and commands are not allowed in this run.',
});

/**
 * Answers from a fixed policy, for runs where nobody is at the keyboard:
 * tools in `allowedTools` (or every tool with `allowAll`) run, the rest are
 * denied with `deniedFeedback`, which tells the model how the user can allow them.
 */
export function createPolicyApproval(options: {
  allowedTools: ReadonlySet<string>;
  allowAll?: boolean;
  deniedFeedback: string;
}): RequestApproval {
  return async (request) =>
    options.allowAll || options.allowedTools.has(request.toolName)
      ? { type: 'allow' }
      : { type: 'deny', feedback: options.deniedFeedback };
}
