import type { HookEventName, HookStatus } from './events';
import type { CommandRun } from './run-command';

/** A PreToolUse hook's word on a call: run it without asking, refuse it, or ask the user even where nobody would be asked. */
export type PermissionDecision = 'allow' | 'deny' | 'ask';

/** What one hook run means, read by Claude Code's protocol from its exit code and stdout. */
export interface HookVerdict {
  event: HookEventName;
  command: string;
  status: HookStatus;
  /** PreToolUse only: `permissionDecision`, or the older `decision: "approve" | "block"`, or exit 2 (deny). */
  permission?: PermissionDecision;
  /** Why it blocked (for the model, or for the user when a prompt is blocked), or why it allowed or asks. */
  reason?: string;
  /** For the model: `additionalContext`, or plain stdout of UserPromptSubmit and SessionStart. */
  context?: string;
  /** Set by `continue: false`: the agent stops, and `stopReason` (this) is shown to the user. */
  stopReason?: string;
  /** PreToolUse only: `hookSpecificOutput.updatedInput`, the input the call runs with instead of the model's. */
  updatedInput?: Record<string, unknown>;
  /** PreToolUse only: why its `updatedInput` cannot be used (not an object), one line naming the hook; the call then fails. */
  inputProblem?: string;
  /** What the transcript shows of the run (dim), "" for nothing beyond its status. */
  display: string;
}

// Events whose plain stdout is added to the model's context, as in Claude Code; other events show it to the user.
const CONTEXT_EVENTS: ReadonlySet<HookEventName> = new Set(['UserPromptSubmit', 'SessionStart']);
// Events a hook can block: exit 2 elsewhere (SessionStart, SessionEnd, PreCompact, ...) only shows stderr to the user.
const BLOCKING_EVENTS: ReadonlySet<HookEventName> = new Set(['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SubagentStop']);
const PERMISSIONS: readonly string[] = ['allow', 'deny', 'ask'];

/**
 * Reads one run the way Claude Code does: exit 2 blocks with stderr as the
 * reason; another non-zero exit is a non-blocking error; exit 0 may print a
 * JSON object (`continue`, `stopReason`, `suppressOutput`, `systemMessage`,
 * `decision`, `reason`, `hookSpecificOutput`), else its stdout is plain text.
 */
export function readVerdict(event: HookEventName, command: string, run: CommandRun, timeoutSeconds: number): HookVerdict {
  const base = { event, command };
  if (run.spawnError !== undefined) return { ...base, status: 'error', display: `could not start: ${run.spawnError}` };
  if (run.isTimedOut) return { ...base, status: 'timeout', display: `timed out after ${timeoutSeconds} s and was killed` };
  const stderr = run.stderr.trim();
  if (run.exitCode === 2 && BLOCKING_EVENTS.has(event)) {
    const reason = stderr || `Blocked by the ${event} hook \`${command}\` (exit 2, no reason given).`;
    return { ...base, status: 'blocked', reason, display: reason, ...(event === 'PreToolUse' ? { permission: 'deny' as const } : {}) };
  }
  if (run.exitCode !== 0) return { ...base, status: 'error', display: `${run.exitCode === null ? 'killed by a signal' : `exit ${run.exitCode}`}${stderr ? `: ${stderr}` : ''}` };
  const json = parseObject(run.stdout);
  if (!json) {
    const text = run.stdout.trim();
    return CONTEXT_EVENTS.has(event) && text ? { ...base, status: 'ok', context: text, display: '' } : { ...base, status: 'ok', display: text };
  }
  return readJson(event, command, json);
}

function readJson(event: HookEventName, command: string, json: Record<string, unknown>): HookVerdict {
  const specific = isObject(json.hookSpecificOutput) ? json.hookSpecificOutput : {};
  const reason = text(specific.permissionDecisionReason) ?? text(json.reason);
  const context = text(specific.additionalContext);
  const decision = text(json.decision);
  let permission: PermissionDecision | undefined;
  let input: Pick<HookVerdict, 'updatedInput' | 'inputProblem'> = {};
  if (event === 'PreToolUse') {
    const updated = specific.updatedInput;
    if (isObject(updated)) input = { updatedInput: updated };
    else if (updated !== undefined) input = { inputProblem: `The PreToolUse hook \`${command}\` gave an updatedInput that is not an object (got ${describe(updated)}); the call was not run.` };
    const specified = text(specific.permissionDecision);
    // The older form: "approve" allows, "block" denies.
    permission = specified && PERMISSIONS.includes(specified) ? (specified as PermissionDecision) : decision === 'approve' ? 'allow' : decision === 'block' ? 'deny' : undefined;
  }
  const isBlocked = permission === 'deny' || (event !== 'PreToolUse' && decision === 'block' && BLOCKING_EVENTS.has(event));
  const isStopped = json.continue === false;
  const shown = [input.inputProblem, text(json.systemMessage), isStopped ? text(json.stopReason) : undefined, reason && (isBlocked || permission) ? reason : undefined].filter(Boolean);
  return {
    event,
    command,
    status: isBlocked ? 'blocked' : input.inputProblem ? 'error' : 'ok',
    ...input,
    ...(permission ? { permission } : {}),
    ...(reason ? { reason } : isBlocked ? { reason: `Blocked by the ${event} hook \`${command}\`.` } : {}),
    ...(context ? { context } : {}),
    ...(isStopped ? { stopReason: text(json.stopReason) ?? `Stopped by the ${event} hook \`${command}\`.` } : {}),
    display: json.suppressOutput === true && !input.inputProblem ? '' : shown.join(' · '),
  };
}

function parseObject(stdout: string): Record<string, unknown> | undefined {
  const trimmed = stdout.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
