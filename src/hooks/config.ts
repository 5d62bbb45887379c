import { z } from 'zod';
import { HOOK_EVENTS, MATCHER_SUBJECTS, type HookEventName } from './events';

/** One command to run, as Claude Code's settings write it: `{ "type": "command", "command": "...", "timeout": 60 }`. */
export interface HookCommand {
  type: 'command';
  command: string;
  /** Seconds before the hook is killed (default `DEFAULT_HOOK_TIMEOUT_SECONDS`). */
  timeout?: number;
}

/** The hooks of one event that share a matcher: a regular expression or `|` list over tool names ("" or "*" for all). */
export interface HookGroup {
  matcher?: string;
  hooks: HookCommand[];
}

/** The `hooks` setting: the groups of each event. */
export type HooksConfig = Partial<Record<HookEventName, HookGroup[]>>;

/** Seconds a hook may run before it is killed, as in Claude Code. */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 60;

const commandSchema = z.object({
  type: z.literal('command'),
  command: z.string().trim().min(1),
  timeout: z.number().positive().max(24 * 60 * 60).optional(),
});
const matcherSchema = z
  .string()
  .optional()
  .refine((matcher) => matcher === undefined || isValidPattern(matcher), 'is not a valid regular expression');

/**
 * Validates a `hooks` setting entry by entry: a bad command or group is left
 * out with one line naming it (`hooks.PreToolUse[0].hooks[1]: ...`), and the
 * rest loads. Unknown events are named too, so a typo does not pass silently.
 */
export function parseHooks(value: unknown): { hooks: HooksConfig; problems: string[] } {
  const problems: string[] = [];
  const hooks: HooksConfig = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { hooks, problems: [`"hooks" must be an object of events such as {"PreToolUse": [...]} (got ${describe(value)})`] };
  }
  for (const [event, groups] of Object.entries(value)) {
    const where = `hooks.${event}`;
    if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
      problems.push(`${where}: unknown hook event (known: ${HOOK_EVENTS.join(', ')})`);
      continue;
    }
    if (!Array.isArray(groups)) {
      problems.push(`${where} must be a list of {"matcher": ..., "hooks": [...]} (got ${describe(groups)})`);
      continue;
    }
    const kept = groups.flatMap((group, index) => parseGroup(group, `${where}[${index}]`, MATCHER_SUBJECTS[event as HookEventName], problems));
    if (kept.length > 0) hooks[event as HookEventName] = kept;
  }
  return { hooks, problems };
}

function parseGroup(group: unknown, where: string, subject: string, problems: string[]): HookGroup[] {
  if (typeof group !== 'object' || group === null || !Array.isArray((group as { hooks?: unknown }).hooks)) {
    problems.push(`${where} must be {"matcher": "...", "hooks": [{"type": "command", "command": "..."}]} (got ${describe(group)})`);
    return [];
  }
  const matcher = matcherSchema.safeParse((group as { matcher?: unknown }).matcher);
  if (!matcher.success) {
    problems.push(`${where}.matcher ${describe((group as { matcher?: unknown }).matcher)} must be ${subject} or a regular expression`);
    return [];
  }
  const commands = (group as { hooks: unknown[] }).hooks.flatMap((hook, index) => {
    const parsed = commandSchema.safeParse(hook);
    if (parsed.success) return [parsed.data];
    problems.push(`${where}.hooks[${index}] must be {"type": "command", "command": "...", "timeout": <seconds>} (got ${describe(hook)})`);
    return [];
  });
  return commands.length > 0 ? [{ ...(matcher.data ? { matcher: matcher.data } : {}), hooks: commands }] : [];
}

/** Every hook of both configs, `first`'s before `second`'s: Claude Code runs the hooks of every settings file. */
export function mergeHooks(first: HooksConfig | undefined, second: HooksConfig | undefined): HooksConfig {
  const merged: HooksConfig = { ...first };
  for (const [event, groups] of Object.entries(second ?? {}) as [HookEventName, HookGroup[]][]) merged[event] = [...(merged[event] ?? []), ...groups];
  return merged;
}

/** One line per configured command, e.g. `PreToolUse (bash|write_file): ./check.sh`, for the trust prompt and /hooks. */
export function describeHooks(hooks: HooksConfig | undefined): string[] {
  return (Object.entries(hooks ?? {}) as [HookEventName, HookGroup[]][]).flatMap(([event, groups]) =>
    groups.flatMap((group) => group.hooks.map((hook) => `${event}${group.matcher ? ` (${group.matcher})` : ''}: ${hook.command}`)),
  );
}

function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
