import type { AgentCallMode, ApprovalPreview } from '../../tools/types';
import type { WebAccess } from '../../tools/web/access';
import { matchesCommandPrefix } from './command-prefix';
import type { ApprovalDecision, ToolCallInfo } from '../nodes';

/** What the user is asked about: one write or command, with what it will change. */
export interface ApprovalRequest extends ToolCallInfo {
  agentId: string;
  preview?: ApprovalPreview;
  /** Set when a PreToolUse hook answered `ask`: the user is asked even where the mode would allow the call; the hook's reason. */
  hookAsks?: string;
  /** Set for a call of a user's agent whose file gives its own `permissionMode` (see answerUnasked). */
  agentMode?: AgentCallMode;
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
 * `allowedTools` with `bash` (headless `--allow bash`) is the user's explicit word and allows every command.
 */
export function createPolicyApproval(options: {
  mode?: ApprovalMode;
  allowedTools: ReadonlySet<string>;
  deniedFeedback: string;
  /** The session's allowed domains; a fetch of another is denied with `fetchDenial`. */
  webAccess?: Pick<WebAccess, 'isAllowed'>;
}): RequestApproval {
  return async (request) => {
    if (options.mode === 'plan') return { type: 'deny', feedback: PLAN_MODE_REFUSAL };
    const preview = request.preview;
    const guarded = protectedFiles(preview);
    if (guarded.length > 0) return { type: 'deny', feedback: protectedDenial(guarded, preview?.type === 'patch' ? 'apply_patch' : 'write_file') };
    if (request.hookAsks !== undefined) return { type: 'deny', feedback: `A PreToolUse hook asks the user to confirm this call (${request.hookAsks}), and nobody can confirm in this run.` };
    if (isAllowedWithoutAsking({ mode: modeOf(options.mode ?? 'ask', request), request, sessionAllowed: options.allowedTools, webAccess: options.webAccess })) {
      return { type: 'allow' };
    }
    return { type: 'deny', feedback: preview?.type === 'fetch' ? fetchDenial(preview.host) : options.deniedFeedback };
  };
}

/** Why a fetch was denied with nobody to ask, and how the user can allow it (as Claude Code's `--allowedTools WebFetch` does). */
export function fetchDenial(host: string): string {
  return (
    `Fetching ${host} is denied: nobody can approve a new domain in this run. Answer from what you have, or name the URL for the user. ` +
    `They can allow it with --allow web_fetch (every public domain) or by adding "${host}" to "webDomains" in their shoal config.`
  );
}

/**
 * The protected files a write's preview would change, with why each always
 * asks: one for a write_file or update_file, any of a patch's; none for
 * ordinary files, commands and fetches.
 */
export function protectedFiles(preview: ApprovalPreview | undefined): { path: string; reason: string }[] {
  if (preview?.type === 'diff') return preview.protectedReason === undefined ? [] : [{ path: preview.path, reason: preview.protectedReason }];
  if (preview?.type !== 'patch') return [];
  return preview.files.flatMap((file) => (file.protectedReason === undefined ? [] : [{ path: file.path, reason: file.protectedReason }]));
}

/** Why a protected write was denied with nobody to ask, and what the model can do instead. */
function protectedDenial(files: readonly { path: string; reason: string }[], toolName: string): string {
  const named = files.map(({ path, reason }) => `${path} is protected (${reason})`).join('; ');
  const which = files.length === 1 ? 'it' : 'them';
  return (
    `${named}. shoal writes ${which} only after a person approves that exact change, ` +
    `and no flag allows it without one: not --allow ${toolName}, not --yolo. Do not try to write ${which} another way; ` +
    'show the user the exact change so they can make it themselves or approve it in an interactive session.'
  );
}

/**
 * How much runs without asking: ask (writes and commands ask), auto-edit (file
 * edits and sandboxed commands run, unsandboxed commands ask), plan (research
 * and reads only: writes and commands neither run nor ask), yolo (nothing asks).
 */
export const APPROVAL_MODES = ['ask', 'auto-edit', 'plan', 'yolo'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** The modes from the strictest to the laxest: a project file may only move down this list once trusted. */
export const MODES_BY_LAXNESS: readonly ApprovalMode[] = ['plan', 'ask', 'auto-edit', 'yolo'];

/** What the model reads for a write or command in plan mode, which neither runs nor asks. */
export const PLAN_MODE_REFUSAL =
  'Not run: plan mode is on, so writes and commands neither run nor ask, even ones the user allowed. Do not retry it; keep researching with reads, then answer with your plan.';

/** Added to each prompt sent in plan mode: the model is told it is planning. */
export const PLAN_MODE_NOTE =
  '[Plan mode: research and read as much as you need, but change nothing and run no commands (they will not run). Answer with a plan: the steps you would take, the files each touches, and how you would check the result.]';

const FILE_EDIT_TOOLS = new Set(['write_file', 'update_file', 'apply_patch']);

/**
 * True when `request` may run without asking: a write to a protected path
 * never does; otherwise its tool is allowed by `mode` or `sessionAllowed`,
 * or it is a fetch of a domain `webAccess` allows, or a command that runs
 * sandboxed under auto-edit, or that starts with one of `commandPrefixes` (see command-prefix.ts).
 */
export function isAllowedWithoutAsking(options: {
  mode: ApprovalMode;
  request: Pick<ApprovalRequest, 'toolName' | 'preview'>;
  sessionAllowed: ReadonlySet<string>;
  commandPrefixes?: readonly string[];
  webAccess?: Pick<WebAccess, 'isAllowed'>;
}): boolean {
  const { mode, request } = options;
  const preview = request.preview;
  if (protectedFiles(preview).length > 0) return false;
  if (mode === 'plan') return false;
  if (mode === 'yolo' || options.sessionAllowed.has(request.toolName)) return true;
  if (preview?.type === 'fetch') return options.webAccess?.isAllowed(preview.host) ?? false;
  if (mode === 'auto-edit' && FILE_EDIT_TOOLS.has(request.toolName)) return true;
  if (preview?.type !== 'command') return false;
  if (mode === 'auto-edit' && preview.isSandboxed) return true;
  return (options.commandPrefixes ?? []).some((prefix) => matchesCommandPrefix(preview.command, prefix));
}

/**
 * The mode `request` is decided under: the session's, or its agent's own
 * `acceptEdits`/`bypassPermissions` where that lets more through. Plan mode
 * is never left, and an agent's mode never makes the session stricter here
 * (`dontAsk` turns questions into denials: answerUnasked).
 */
function modeOf(sessionMode: ApprovalMode, request: Pick<ApprovalRequest, 'agentMode'>): ApprovalMode {
  const own = request.agentMode?.mode;
  if ((own !== 'auto-edit' && own !== 'yolo') || sessionMode === 'plan') return sessionMode;
  return MODES_BY_LAXNESS.indexOf(own) > MODES_BY_LAXNESS.indexOf(sessionMode) ? own : sessionMode;
}

/**
 * The answer to `request` when nobody need be asked: allowed by the mode
 * (the session's, or its agent's laxer one), or denied because its agent
 * runs with `dontAsk`; undefined when the user is asked. A hook's `ask` puts
 * the call to the user whatever the mode allows.
 */
export function answerUnasked(options: Parameters<typeof isAllowedWithoutAsking>[0] & { request: Pick<ApprovalRequest, 'hookAsks' | 'agentMode'> }): ApprovalDecision | undefined {
  const { request } = options;
  if (request.hookAsks === undefined && isAllowedWithoutAsking({ ...options, mode: modeOf(options.mode, request) })) return { type: 'allow' };
  if (request.agentMode?.mode === 'dont-ask') return { type: 'deny', feedback: dontAskRefusal(request.agentMode.agent) };
  return undefined;
}

/** What a `dontAsk` agent reads for a call the session would have asked about: denied, nobody asked. */
function dontAskRefusal(agent: string): string {
  return `Not run: agent ${agent} runs with permissionMode dontAsk, so a write or command the user has not allowed is denied without asking. Do not retry it; say in your report what is left to do.`;
}

/** The mode after `mode` in the Shift+Tab cycle. */
export function nextApprovalMode(mode: ApprovalMode): ApprovalMode {
  return APPROVAL_MODES[(APPROVAL_MODES.indexOf(mode) + 1) % APPROVAL_MODES.length]!;
}
