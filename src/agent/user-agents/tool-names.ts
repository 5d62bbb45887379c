/** shoal's built-in tools a user agent may be given, and whether each can change anything. */
export const AGENT_READ_TOOLS = ['read_file', 'list_dir', 'glob', 'grep', 'web_fetch'] as const;
export const AGENT_WRITE_TOOLS = ['write_file', 'update_file', 'apply_patch', 'bash'] as const;

/** What an agent without a `tools` line gets: the read-only tools, nothing that changes files, runs or fetches. */
export const DEFAULT_AGENT_TOOLS: readonly string[] = ['read_file', 'list_dir', 'glob', 'grep'];

/** What an agent without a `tools` line but with `disallowedTools` starts from: every built-in tool, as in Claude Code. */
export const ALL_AGENT_TOOLS: readonly string[] = [...AGENT_READ_TOOLS, ...AGENT_WRITE_TOOLS];

/** An MCP server's tool as shoal and Claude Code both name it. */
const MCP_TOOL = /^mcp__[A-Za-z0-9_-]+__[A-Za-z0-9_-]+$/;

/** Claude Code's tool names, as its agent files list them, and shoal's tool for each. */
const CLAUDE_CODE_NAMES: Readonly<Record<string, string>> = {
  Read: 'read_file',
  Grep: 'grep',
  Glob: 'glob',
  LS: 'list_dir',
  Write: 'write_file',
  Edit: 'update_file',
  MultiEdit: 'update_file',
  Bash: 'bash',
  WebFetch: 'web_fetch',
};

const BUILT_IN = new Set<string>([...AGENT_READ_TOOLS, ...AGENT_WRITE_TOOLS]);
const WRITES = new Set<string>(AGENT_WRITE_TOOLS);

/** Claude Code's `Bash(…)` entry: the bash tool, for the commands its inside names. */
const BASH_RULE = /^Bash\((.*)\)$/s;

/**
 * shoal's names for the tools an agent file lists (shoal's own, Claude Code's
 * or `mcp__server__tool`), each once in the file's order, and the names it
 * does not know (Claude Code's `WebSearch`, `Task`, a typo), which are dropped.
 * `Bash(git *)` entries give the agent bash for those commands only
 * (`commandRules`, their insides); a plain `Bash` or `Bash(*)` beside them
 * gives it every command.
 */
export function resolveToolNames(listed: readonly string[]): { tools: string[]; dropped: string[]; commandRules?: string[] } {
  const tools: string[] = [];
  const dropped: string[] = [];
  const rules: string[] = [];
  let isBashWhole = false;
  for (const name of listed) {
    const rule = BASH_RULE.exec(name)?.[1];
    const resolved = rule !== undefined ? 'bash' : BUILT_IN.has(name) || MCP_TOOL.test(name) ? name : CLAUDE_CODE_NAMES[name];
    if (resolved === undefined) dropped.push(name);
    else if (!tools.includes(resolved)) tools.push(resolved);
    if (rule === undefined) isBashWhole ||= resolved === 'bash';
    else if (['', '*', ':*'].includes(rule.trim())) isBashWhole = true;
    else rules.push(rule.trim());
  }
  return { tools, dropped, ...(rules.length > 0 && !isBashWhole ? { commandRules: rules } : {}) };
}

/**
 * The tools `disallowedTools` takes away, and the names it does not know.
 * Claude Code's `Write` and `Edit` each also take `apply_patch`, which writes
 * and edits files alike: a file that forbids file changes gets none.
 */
export function resolveDisallowed(listed: readonly string[]): { tools: Set<string>; dropped: string[]; patterns: string[] } {
  // `Bash(rm *)` here would deny some commands; shoal leaves such entries out rather than take all of bash away.
  const patterns = listed.filter((name) => BASH_RULE.test(name));
  const { tools, dropped } = resolveToolNames(listed.filter((name) => !BASH_RULE.test(name)));
  const removed = new Set(tools);
  if (listed.some((name) => PATCHING_NAMES.has(name))) removed.add('apply_patch');
  return { tools: removed, dropped, patterns };
}

const PATCHING_NAMES = new Set(['Write', 'Edit', 'MultiEdit']);

/** True when one of `tools` writes files or runs commands: the agent then runs with the writes, and they ask. */
export function hasWriteTool(tools: readonly string[]): boolean {
  return tools.some((name) => WRITES.has(name));
}
