/** The hook events shoal fires, named as Claude Code names them so its hook scripts run unchanged. */
export const HOOK_EVENTS = ['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SessionStart', 'Notification'] as const;
/** One of HOOK_EVENTS. */
export type HookEventName = (typeof HOOK_EVENTS)[number];

/** The events whose hooks are chosen by tool name (`matcher`); the others run every hook configured. */
export const TOOL_EVENTS: ReadonlySet<HookEventName> = new Set(['PreToolUse', 'PostToolUse']);

/** How a hook run ended, as the transcript shows it. */
export type HookStatus = 'ok' | 'blocked' | 'error' | 'timeout';
