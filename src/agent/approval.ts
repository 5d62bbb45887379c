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
 * what the approval mode or `allowedTools` lets through runs, the rest is
 * denied with `deniedFeedback`, which tells the model how the user can allow it.
 */
export function createPolicyApproval(options: {
  mode?: ApprovalMode;
  allowedTools: ReadonlySet<string>;
  deniedFeedback: string;
}): RequestApproval {
  return async (request) => {
    const preview = request.preview;
    if (preview?.type === 'diff' && preview.protectedReason !== undefined) {
      return { type: 'deny', feedback: protectedDenial(preview.path, preview.protectedReason) };
    }
    return isAllowedWithoutAsking(options.mode ?? 'ask', request, options.allowedTools)
      ? { type: 'allow' }
      : { type: 'deny', feedback: options.deniedFeedback };
  };
}

/** Why a protected write was denied with nobody to ask, and what the model can do instead. */
function protectedDenial(path: string, reason: string): string {
  return (
    `${path} is protected (${reason}). shoal writes it only after a person approves that exact change, ` +
    'and no flag allows it without one: not --allow write_file, not --yolo. Do not try to write it another way; ' +
    'show the user the exact change so they can make it themselves or approve it in an interactive session.'
  );
}

/** How much runs without asking: ask (writes and commands ask), auto-edit (file edits run, commands ask), yolo (nothing asks). */
export const APPROVAL_MODES = ['ask', 'auto-edit', 'yolo'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

const FILE_EDIT_TOOLS = new Set(['write_file', 'update_file']);

/**
 * True when the request may run without asking under `mode` or the tools the user
 * allowed for the session. A write to a protected path always asks.
 */
export function isAllowedWithoutAsking(
  mode: ApprovalMode,
  request: Pick<ApprovalRequest, 'toolName' | 'preview'>,
  sessionAllowed: ReadonlySet<string>,
): boolean {
  if (request.preview?.type === 'diff' && request.preview.protectedReason !== undefined) return false;
  const { toolName } = request;
  if (mode === 'yolo' || sessionAllowed.has(toolName)) return true;
  return mode === 'auto-edit' && FILE_EDIT_TOOLS.has(toolName);
}

/** The mode after `mode` in the Shift+Tab cycle. */
export function nextApprovalMode(mode: ApprovalMode): ApprovalMode {
  return APPROVAL_MODES[(APPROVAL_MODES.indexOf(mode) + 1) % APPROVAL_MODES.length]!;
}
