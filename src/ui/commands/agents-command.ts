import type { UserAgent } from '../../agent/user-agents/definition';
import { toolList } from '../../agent/user-agents/instructions';
import { toVisibleText } from '../visible-text';

/** How an agent with write tools has its writes and commands decided, by its permissionMode. */
const WRITES_BY_MODE: Readonly<Record<NonNullable<UserAgent['permissionMode']> | 'default', string>> = {
  default: 'writes and commands ask',
  plan: 'permissionMode plan: writes and commands never run',
  'dont-ask': 'permissionMode dontAsk: what you allowed runs, the rest is denied unasked',
  'auto-edit': 'permissionMode acceptEdits: file edits run unasked, commands as auto-edit',
  yolo: 'permissionMode bypassPermissions: writes and commands run unasked',
};

/**
 * The text of /agents: each loaded agent with where it came from, its tools
 * (and whether they only read) and its description, escaped: a project's
 * agent file is the repository's to write.
 */
export function agentsText(agents: readonly UserAgent[]): string {
  if (agents.length === 0) {
    return 'No agents loaded. Put NAME.md files (Claude Code\'s sub-agent format) in agents/ in your config folder or, in a trusted folder, in .shoal/agents/.';
  }
  const lines = [`Agents (${agents.length}; the model calls them through research_codebase)`];
  for (const agent of agents) {
    const tools = agent.tools.length > 0 ? toVisibleText(toolList(agent)) : 'no tools';
    const kind = agent.canWrite ? WRITES_BY_MODE[agent.permissionMode ?? 'default'] : agent.hasToolsLine ? 'read-only' : 'read-only, the default';
    const model = agent.model ? ` · model ${toVisibleText(agent.model)}` : '';
    const turns = agent.maxTurns ? ` · at most ${agent.maxTurns} steps` : '';
    lines.push(`  ${agent.name} · ${agent.source} · ${agent.path}${model}${turns}`);
    lines.push(`    tools: ${tools} (${kind})`);
    lines.push(`    ${toVisibleText(agent.description.replace(/\s+/g, ' '))}`);
  }
  return lines.join('\n');
}
