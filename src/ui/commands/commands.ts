import { APPROVAL_MODES, type ApprovalMode } from '../../agent/calls/approval';
import type { SessionStats } from '../../state/selectors';
import type { SessionDiff, UndoResult } from '../../tools';
import type { McpEvent, McpServerView } from '../../tools/mcp/client';
import { knownCost } from '../../agent/usage';
import { formatCost, type ModelPrice } from '../../models/prices';
import { cacheShare, formatDuration, formatTokens } from '../format';
import { REASONING_KEY } from '../react-hooks/use-reasoning-toggle';
import { toVisibleLines, toVisibleText } from '../visible-text';

/** A slash command the user typed, parsed. */
export type SlashCommand =
  | { type: 'help' }
  | { type: 'clear' }
  | { type: 'model'; name?: string }
  | { type: 'approval'; mode?: ApprovalMode }
  | { type: 'stats' }
  | { type: 'sessions' }
  | { type: 'undo' }
  | { type: 'rewind'; number?: number }
  | { type: 'compact'; focus?: string }
  | { type: 'init'; folder?: string }
  | { type: 'reasoning' }
  | { type: 'show'; number?: number }
  | { type: 'diff' }
  | { type: 'mcp' }
  | { type: 'agents' }
  | { type: 'hooks' }
  | { type: 'trust'; isForget: boolean }
  | { type: 'exit' }
  | { type: 'invalid'; message: string };

/** Every command with its one-line help. */
export const COMMAND_HELP: readonly [string, string][] = [
  ['/help', 'show the commands and keys'],
  ['/clear', 'start a new conversation'],
  ['/model NAME', 'switch the model (no name: show the current one)'],
  ['/approval MODE', `set the approval mode: ${APPROVAL_MODES.join(', ')}`],
  ['/stats', "this session's tool calls, batches and time saved by running them in parallel"],
  ['/sessions', 'saved sessions of this workspace (resume one with shoal --resume ID)'],
  ['/undo', "put the files back as they were before the last turn, commands' changes too (without git: the last approved edit batch only)"],
  ['/rewind [N]', 'go back to before a prompt (N: the Nth): the files, the conversation or both; the prompt returns to the box'],
  ['/compact [WHAT TO KEEP]', 'summarise the conversation so far to free context, keeping your messages word for word'],
  ['/init [FOLDER]', "research the repository (or FOLDER) and write its AGENTS.md, or improve the one there; you approve the diff"],
  ['/reasoning', "show the model's last reasoning in full"],
  ['/diff', 'what this session changed on disk with its file edits (not what bash commands changed)'],
  ['/show [N]', "list the last turn's tool calls; /show N prints one's full output or research report"],
  ['/mcp', 'MCP servers, their state and their tools'],
  ['/agents', 'your own agents and a trusted project\'s (agents/NAME.md): source, tools, description'],
  ['/hooks', 'the hooks configured (Claude Code format): each event, matcher and command'],
  ['/trust [forget]', "whether this folder's project settings are trusted and what they change; forget: stop trusting it (the next start asks again)"],
  ['/exit', 'quit shoal'],
];

/** Every key with its one-line help, for /help. */
export const KEY_HELP: readonly [string, string][] = [
  ['Enter', 'send'],
  ['Ctrl+J, or \\ then Enter', 'new line'],
  ['Up / Down', 'earlier prompts (kept per workspace across runs)'],
  ['Ctrl+R', 'search earlier prompts (again: older match; Enter takes it, Esc cancels)'],
  ['@', 'pick a file to attach (Up/Down, Tab or Enter, Esc)'],
  ['!command', 'run your own command in the workspace (sandboxed); the model sees the output'],
  ['Ctrl+G', 'edit the prompt in $VISUAL or $EDITOR'],
  ['Esc', 'interrupt the running turn'],
  ['Esc twice on an empty box', 'rewind (as /rewind)'],
  ['Shift+Tab', 'cycle the approval mode'],
  [REASONING_KEY, 'show reasoning in full as it streams, from now on (again: one line)'],
  ['Ctrl+C twice, or Ctrl+D', 'exit'],
];

const BUILTIN_NAMES = new Set(['help', 'clear', 'model', 'approval', 'stats', 'sessions', 'undo', 'rewind', 'compact', 'init', 'reasoning', 'show', 'diff', 'mcp', 'agents', 'trust', 'exit', 'quit']);

/** Whether `/name` is shoal's own command, which a custom command of that name never replaces. */
export function isBuiltinCommand(name: string): boolean {
  return BUILTIN_NAMES.has(name);
}

/** Parses `/name args`; undefined when the text is not a command. */
export function parseSlashCommand(text: string): SlashCommand | undefined {
  if (!text.startsWith('/')) return undefined;
  const [name = '', ...rest] = text.slice(1).trim().split(/\s+/);
  const argument = rest.join(' ') || undefined;
  switch (name) {
    case 'help':
    case 'clear':
    case 'stats':
    case 'sessions':
    case 'undo':
    case 'reasoning':
    case 'diff':
    case 'mcp':
    case 'agents':
    case 'hooks':
    case 'exit':
      return { type: name };
    case 'quit':
      return { type: 'exit' };
    case 'model':
      return { type: 'model', name: argument };
    case 'compact':
      return { type: 'compact', focus: argument };
    case 'init':
      return { type: 'init', folder: argument };
    case 'trust':
      if (argument === undefined || argument === 'forget') return { type: 'trust', isForget: argument === 'forget' };
      return { type: 'invalid', message: `/trust takes nothing or forget, not ${argument}: /trust says whether this folder is trusted, /trust forget stops trusting it.` };
    case 'rewind':
      if (argument === undefined) return { type: 'rewind' };
      return /^[1-9]\d{0,4}$/.test(argument)
        ? { type: 'rewind', number: Number(argument) }
        : { type: 'invalid', message: `/rewind takes a prompt's number (1 for the conversation's first), not ${argument}; /rewind alone lists them.` };
    case 'show':
      if (argument === undefined) return { type: 'show' };
      return /^[1-9]\d{0,3}$/.test(argument)
        ? { type: 'show', number: Number(argument) }
        : { type: 'invalid', message: `/show takes a call's number from the list /show prints, not ${argument}.` };
    case 'approval':
      if (argument === undefined) return { type: 'approval' };
      return (APPROVAL_MODES as readonly string[]).includes(argument)
        ? { type: 'approval', mode: argument as ApprovalMode }
        : { type: 'invalid', message: `Unknown approval mode ${argument}; choose ${APPROVAL_MODES.join(', ')}.` };
    default:
      return { type: 'invalid', message: `Unknown command /${name}. Type /help for the list.` };
  }
}

/** The help text of /help; `customLines` lists the user's and the project's own commands after the built-ins. */
export function helpText(customLines: readonly string[] = []): string {
  const width = Math.max(...[...COMMAND_HELP, ...KEY_HELP].map(([name]) => name.length)) + 2;
  const lines = (rows: readonly [string, string][]) => rows.map(([name, help]) => `  ${name.padEnd(width)}${help}`);
  return ['Commands', ...lines(COMMAND_HELP), ...customLines, 'Keys', ...lines(KEY_HELP)].join('\n');
}

/** What /undo did, for the transcript; the same text tells the model. */
export function undoText(result: UndoResult): string {
  const lines = ['Undid the last edit batch.'];
  if (result.restored.length > 0) lines.push(`  restored ${result.restored.join(', ')}`);
  if (result.removed.length > 0) lines.push(`  removed ${result.removed.join(', ')}`);
  for (const skipped of result.skipped) lines.push(`  left ${skipped.path} as it is: ${skipped.reason}`);
  return lines.join('\n');
}

/** Most diff lines /diff prints: past that, the transcript is the wrong place to read it. */
export const MAX_DIFF_LINES = 400;

/** The text of /diff: each changed file's diff against its contents before this session's first edit of it. */
export function diffText(result: SessionDiff): string {
  const untracked = 'Changes made by bash commands are not tracked.';
  if (result.diffs.length === 0 && result.notes.length === 0) return `No file edited in this session differs from before. ${untracked}`;
  const lines = [`Changes this session made with write_file, update_file and apply_patch, against each file before its first edit. ${untracked}`];
  for (const file of result.diffs) lines.push(`${file.path}  +${file.added} -${file.removed}`, ...toVisibleLines(file.diff.replace(/\n$/, '')));
  const kept = lines.slice(0, MAX_DIFF_LINES);
  if (lines.length > MAX_DIFF_LINES) kept.push(`… ${lines.length - MAX_DIFF_LINES} more lines not shown (git diff shows them all, if this is a repository)`);
  return [...kept, ...result.notes.map((note) => `not compared: ${note}`)].join('\n');
}

/** The text of /stats; `price` (the current model's) names where a cost comes from. */
export function statsText(stats: SessionStats, price?: ModelPrice): string {
  const { usage } = stats;
  const cost = knownCost(usage);
  return [
    'Session stats',
    `  tool calls              ${stats.toolCalls}`,
    `  read-only batches       ${stats.batches}`,
    `  responses with calls    ${stats.responsesWithCalls}`,
    `  calls per response      ${stats.callsPerResponse.toFixed(1)}`,
    `  time saved in parallel  ${formatDuration(stats.timeSavedMs)}`,
    `  time saved early        ${formatDuration(stats.overlapSavedMs)} (calls run while the model still wrote)`,
    `  input tokens            ${formatTokens(usage.inputTokens)}${usage.cachedInputTokens ? ` (${formatTokens(usage.cachedInputTokens)} cached)` : ''}`,
    `  output tokens           ${formatTokens(usage.outputTokens)}${usage.reasoningTokens ? ` (${formatTokens(usage.reasoningTokens)} reasoning)` : ''}`,
    ...(stats.lastCache && (usage.cachedInputTokens ?? 0) > 0
      ? [`  last request cached     ${cacheShare(stats.lastCache)}% (${formatTokens(stats.lastCache.cachedInputTokens)} of ${formatTokens(stats.lastCache.inputTokens)} input tokens)`]
      : []),
    // Never a guess: a model without a known price (a local server's, say) leaves the cost unknown.
    cost === undefined
      ? '  cost                    unknown (no known price for a model used)'
      : `  cost                    ${formatCost(cost)}${price ? ` (prices per ${price.source})` : ''}`,
  ].join('\n');
}

/** The text of /reasoning: the model's latest reasoning, escaped, or why there is none. */
export function reasoningText(reasoning: string | undefined): string {
  if (reasoning === undefined) return `No reasoning yet: this model has not shown any (not every model or server sends it).`;
  return ['Reasoning of the last step', ...toVisibleLines(reasoning).map((line) => `  ${line}`)].join('\n');
}

/** The line for an MCP server that became ready, failed or changed its tools; names and reasons escaped. */
export function mcpEventText(event: McpEvent): string {
  const name = toVisibleText(event.server);
  if (event.type === 'failed') return `MCP server ${name} failed: ${toVisibleText(event.reason)}`;
  const tools = `${event.toolCount} ${event.toolCount === 1 ? 'tool' : 'tools'}`;
  return event.type === 'ready' ? `MCP server ${name} ready: ${tools} (/mcp lists them)` : `MCP server ${name} changed its tools: ${tools} now (/mcp lists them)`;
}

/** The text of /hooks: one line per configured hook (event, matcher, command), escaped since a project file may hold them. */
export function hooksText(hooks: readonly string[]): string {
  if (hooks.length === 0) return 'No hooks configured. Add "hooks" to your config file in Claude Code\'s format (see the README).';
  return ['Hooks (they run as your own commands, outside the sandbox)', ...hooks.map((hook) => `  ${toVisibleText(hook)}`)].join('\n');
}

/** The text of /mcp: each server, its state, and its tools (read-only ones run in the batch, the rest ask). */
export function mcpText(servers: readonly McpServerView[]): string {
  if (servers.length === 0) return 'No MCP servers configured. Add "mcpServers" to your config file (see the README).';
  const lines = ['MCP servers'];
  for (const server of servers) {
    const state = server.state;
    const status = state.status === 'ready' ? `ready, ${server.tools.length} ${server.tools.length === 1 ? 'tool' : 'tools'}` : state.status === 'failed' ? `failed: ${state.reason}` : 'starting';
    // Names, commands and reasons come from config files and servers: escaped, so none can steer the terminal.
    lines.push(`  ${toVisibleText(server.name)}  ${status === 'starting' ? status : toVisibleText(status)}  (${toVisibleText(server.target)})`);
    for (const tool of server.tools) lines.push(`    ${tool.name}  ${tool.isReadOnly ? 'read-only' : 'asks first'}${tool.serverName === tool.name ? '' : `  (${toVisibleText(tool.serverName)})`}`);
  }
  return lines.join('\n');
}
