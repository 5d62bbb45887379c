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

/** How a hook run ended, as the transcript shows it. */
export type HookStatus = 'ok' | 'blocked' | 'error' | 'timeout';
