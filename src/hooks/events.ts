/** The hook events shoal fires, named as Claude Code names them so its hook scripts run unchanged. */
export const HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'UserPromptSubmit',
  'Stop',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'SessionStart',
  'SessionEnd',
  'Notification',
] as const;
/** One of HOOK_EVENTS. */
export type HookEventName = (typeof HOOK_EVENTS)[number];

/** The events whose hooks are chosen by tool name (`matcher`). */
export const TOOL_EVENTS: ReadonlySet<HookEventName> = new Set(['PreToolUse', 'PostToolUse']);

/**
 * The other events whose `matcher` chooses hooks, by what the run says: the
 * agent type (SubagentStart/Stop), the trigger (PreCompact), the source
 * (SessionStart) or the reason (SessionEnd). The rest run every hook configured.
 */
export const MATCHED_EVENTS: ReadonlySet<HookEventName> = new Set(['SubagentStart', 'SubagentStop', 'PreCompact', 'SessionStart', 'SessionEnd']);

/** What a `matcher` of each event chooses by, as a bad one's message names it. */
export const MATCHER_SUBJECTS: Readonly<Record<HookEventName, string>> = {
  PreToolUse: 'a tool name, a list such as "bash|write_file"',
  PostToolUse: 'a tool name, a list such as "bash|write_file"',
  SubagentStart: 'an agent type, a list such as "research|test-fixer"',
  SubagentStop: 'an agent type, a list such as "research|test-fixer"',
  PreCompact: 'a trigger ("manual" or "auto")',
  SessionStart: 'a source ("startup", "resume", "clear" or "compact")',
  SessionEnd: 'a reason ("clear", "prompt_input_exit" or "other")',
  UserPromptSubmit: 'a name (this event runs every hook whatever it says)',
  Stop: 'a name (this event runs every hook whatever it says)',
  Notification: 'a name (this event runs every hook whatever it says)',
};

/** How a hook run ended, as the transcript shows it. */
export type HookStatus = 'ok' | 'blocked' | 'error' | 'timeout';
