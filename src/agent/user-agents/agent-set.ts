import { parseAgentFile, type AgentFile, type UserAgent } from './definition';

/** The agents in effect, by name, and one line for each file left out or changed. */
export interface AgentSet {
  agents: readonly UserAgent[];
  notes: string[];
}

/**
 * The agents of the user's and the project's files (the project's only once
 * its folder is trusted: the caller passes none otherwise). A project agent
 * overrides the user's of the same name, as in Claude Code; a malformed file
 * is left out with one line naming it, and every other file still loads.
 * `pathOf` says where a file is, as the user would type it.
 */
export async function buildAgentSet(files: readonly AgentFile[], pathOf: (file: AgentFile) => string): Promise<AgentSet> {
  const byName = new Map<string, UserAgent>();
  const notes: string[] = [];
  // The user's first, so the project's of the same name replace them.
  const ordered = [...files].sort((a, b) => (a.source === b.source ? 0 : a.source === 'user' ? -1 : 1));
  for (const file of ordered) {
    const path = pathOf(file);
    const parsed = await parseAgentFile(file, path);
    if ('error' in parsed) {
      notes.push(`ignoring agent ${path}: ${parsed.error}`);
      continue;
    }
    notes.push(...parsed.notes);
    const { agent } = parsed;
    const earlier = byName.get(agent.name);
    if (earlier?.source === agent.source) {
      notes.push(`ignoring agent ${path}: ${earlier.path} already names an agent ${agent.name}`);
      continue;
    }
    byName.set(agent.name, agent);
  }
  return { agents: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), notes };
}
