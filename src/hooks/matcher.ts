/**
 * Claude Code's tool names and the shoal tools they stand for, so a matcher
 * copied from Claude Code's settings ("Edit|Write", "Bash") still selects the
 * same kind of call. Only a plain name list is translated; a regular expression
 * is matched against shoal's names as written.
 */
const CLAUDE_CODE_NAMES: Record<string, readonly string[]> = {
  Bash: ['bash'],
  Write: ['write_file'],
  Edit: ['update_file', 'apply_patch'],
  MultiEdit: ['update_file', 'apply_patch'],
  Read: ['read_file'],
  Grep: ['grep'],
  Glob: ['glob'],
  LS: ['list_dir'],
  WebFetch: ['web_fetch'],
};

// Claude Code's rule: a matcher of only these characters is a list of exact names, anything else a regular expression.
const PLAIN_LIST = /^[\w\s,|-]*$/;

/**
 * True when a hook group's `matcher` selects `toolName`, as Claude Code
 * decides it: missing, "" or "*" match every tool; a plain list of names
 * ("bash|write_file", "Edit|Write") matches those names exactly (never a
 * prefix: "bash" does not select "bash_output"); anything else is an
 * unanchored JavaScript regular expression ("mcp__github__.*", "^(read|grep)").
 */
export function matchesTool(matcher: string | undefined, toolName: string): boolean {
  return matchesName(matcher, toolName, (name) => Object.hasOwn(CLAUDE_CODE_NAMES, name) && CLAUDE_CODE_NAMES[name]!.includes(toolName));
}

/**
 * The same rule for the other events with matchers: `value` is the agent type,
 * the compaction's trigger, the session's source or its end's reason
 * ("startup|resume", "clear", "research", "^auto$"). `isAlias` lets a listed
 * name stand for `value` too.
 */
export function matchesName(matcher: string | undefined, value: string, isAlias: (name: string) => boolean = () => false): boolean {
  const trimmed = matcher?.trim() ?? '';
  if (trimmed === '' || trimmed === '*') return true;
  if (PLAIN_LIST.test(trimmed)) {
    return trimmed
      .split(/[|,]/)
      .map((name) => name.trim())
      .some((name) => name === value || isAlias(name));
  }
  try {
    return new RegExp(trimmed).test(value);
  } catch {
    return false; // parseHooks refuses these; a matcher that cannot compile selects nothing.
  }
}
