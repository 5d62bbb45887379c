import { DEFAULT_HOOK_TIMEOUT_SECONDS, describeHooks, type HookCommand, type HooksConfig } from './config';
import { MATCHED_EVENTS, TOOL_EVENTS, type HookEventName } from './events';
import { matchesName, matchesTool } from './matcher';
import { runHookCommand } from './run-command';
import { hookToolInput } from './tool-input';
import { readVerdict, type HookVerdict, type PermissionDecision } from './verdict';

/** What every hook's input carries about the session: its id and the file it is saved in ("" before it has one). */
export interface HookSession {
  sessionId: string;
  transcriptPath: string;
}

/** What the hooks of one event decided together. */
export interface HookOutcome {
  /** One per hook that ran, in configuration order. */
  verdicts: HookVerdict[];
  /** Set when some hook blocked: every blocking hook's reason, one paragraph each. */
  blockReason?: string;
  /** PreToolUse: the strictest decision any hook gave (deny over ask over allow), and its reason. */
  permission?: PermissionDecision;
  permissionReason?: string;
  /** What the hooks add to the model's context, joined. */
  context?: string;
  /** Set when a hook said `continue: false`: the agent stops, and this is shown. */
  stopReason?: string;
  /** PreToolUse: the input a hook gave the call instead of the model's (the last hook's that gave one), and that hook. */
  updatedInput?: { input: Record<string, unknown>; command: string };
  /** PreToolUse: a hook's `updatedInput` that cannot be used, one line naming the hook; the call fails with it. */
  inputProblem?: string;
}

/** Runs the configured hooks of an event; the one object agent, UI and headless runs share. */
export interface HookRunner {
  /** True when `event` has a hook that would run for `matchOn` (the tool's name, the agent type, the trigger, source or reason). */
  has: (event: HookEventName, matchOn?: string) => boolean;
  /**
   * Runs the event's hooks whose matcher selects `matchOn`, in parallel, with `fields` added to the common input.
   * Contract: never rejects; resolves at once with no verdicts when nothing matches.
   */
  run: (event: HookEventName, fields: Record<string, unknown>, options?: { matchOn?: string; signal?: AbortSignal }) => Promise<HookOutcome>;
  /** One line per configured hook, for /hooks. */
  describe: () => string[];
  /** The workspace the hooks run in, which their `cwd` and `file_path` name. */
  cwd: string;
  /** The approval mode hooks are told from now on (`permission_mode`), as the user switches it. */
  setPermissionMode: (mode: string) => void;
}

const STRICTNESS: readonly PermissionDecision[] = ['allow', 'ask', 'deny'];

/** A runner over `hooks`, running each in `cwd`; `session` is read at each run, since a session gets its id at its first prompt. */
export function createHookRunner(options: { hooks: HooksConfig; cwd: string; session: () => HookSession; permissionMode?: string }): HookRunner {
  let permissionMode = options.permissionMode;
  const commandsFor = (event: HookEventName, matchOn = ''): HookCommand[] => {
    const groups = (options.hooks[event] ?? []).filter((group) =>
      TOOL_EVENTS.has(event) ? matchesTool(group.matcher, matchOn) : !MATCHED_EVENTS.has(event) || matchesName(group.matcher, matchOn),
    );
    // The same command under two matchers runs once, as in Claude Code.
    const byCommand = new Map(groups.flatMap((group) => group.hooks).map((hook) => [hook.command, hook] as const));
    return [...byCommand.values()];
  };
  return {
    has: (event, matchOn) => commandsFor(event, matchOn).length > 0,
    describe: () => describeHooks(options.hooks),
    cwd: options.cwd,
    setPermissionMode: (mode) => {
      permissionMode = mode;
    },
    async run(event, fields, runOptions = {}) {
      const commands = commandsFor(event, runOptions.matchOn);
      if (commands.length === 0) return { verdicts: [] };
      const session = options.session();
      const input = {
        session_id: session.sessionId,
        transcript_path: session.transcriptPath,
        cwd: options.cwd,
        ...(permissionMode ? { permission_mode: claudePermissionMode(permissionMode) } : {}),
        hook_event_name: event,
        ...fields,
        ...('tool_input' in fields ? { tool_input: hookToolInput(fields.tool_input, options.cwd) } : {}),
      };
      const verdicts = await Promise.all(
        commands.map(async (hook) => {
          const timeoutSeconds = hook.timeout ?? DEFAULT_HOOK_TIMEOUT_SECONDS;
          // SessionEnd runs as shoal stops, a closed terminal's SIGHUP included: that signal does not cut it short.
          const run = await runHookCommand({ command: hook.command, input, cwd: options.cwd, timeoutMs: timeoutSeconds * 1000, signal: runOptions.signal, outlivesStop: event === 'SessionEnd' });
          return readVerdict(event, hook.command, run, timeoutSeconds);
        }),
      );
      return combineVerdicts(verdicts);
    },
  };
}

/** The event's verdicts as one outcome: any block blocks, the strictest permission wins, contexts join. */
export function combineVerdicts(verdicts: HookVerdict[]): HookOutcome {
  const outcome: HookOutcome = { verdicts };
  const blocked = verdicts.filter((verdict) => verdict.status === 'blocked');
  if (blocked.length > 0) outcome.blockReason = blocked.map((verdict) => verdict.reason ?? '').join('\n\n');
  for (const verdict of verdicts) {
    if (!verdict.permission) continue;
    if (!outcome.permission || STRICTNESS.indexOf(verdict.permission) > STRICTNESS.indexOf(outcome.permission)) {
      outcome.permission = verdict.permission;
      outcome.permissionReason = verdict.reason;
    }
  }
  const contexts = verdicts.flatMap((verdict) => (verdict.context ? [verdict.context] : []));
  if (contexts.length > 0) outcome.context = contexts.join('\n\n');
  const stopped = verdicts.find((verdict) => verdict.stopReason !== undefined);
  if (stopped) outcome.stopReason = stopped.stopReason;
  for (const verdict of verdicts) if (verdict.updatedInput) outcome.updatedInput = { input: verdict.updatedInput, command: verdict.command };
  const problem = verdicts.find((verdict) => verdict.inputProblem !== undefined);
  if (problem) outcome.inputProblem = problem.inputProblem;
  return outcome;
}

/** shoal's approval mode in Claude Code's words (`permission_mode`), which hook scripts may read. */
function claudePermissionMode(mode: string): string {
  return mode === 'ask' ? 'default' : mode === 'auto-edit' ? 'acceptEdits' : mode === 'yolo' ? 'bypassPermissions' : mode;
}
