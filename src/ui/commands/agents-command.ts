import type { UserAgent } from '../../agent/user-agents/definition';
import { toVisibleText } from '../visible-text';

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
    const tools = agent.tools.length > 0 ? agent.tools.join(', ') : 'no tools';
    const kind = agent.canWrite ? 'writes and commands ask' : agent.hasToolsLine ? 'read-only' : 'read-only, the default';
    const model = agent.model ? ` · model ${toVisibleText(agent.model)}` : '';
    lines.push(`  ${agent.name} · ${agent.source} · ${agent.path}${model}`);
    lines.push(`    tools: ${tools} (${kind})`);
    lines.push(`    ${toVisibleText(agent.description.replace(/\s+/g, ' '))}`);
  }
  return lines.join('\n');
}
