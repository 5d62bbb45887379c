import path from 'node:path';
import { buildAgentSet, type AgentSet } from '../agent/user-agents/agent-set';
import { markdownTrustBytes, readProjectMarkdownFolder, readUserMarkdownFolder, type MarkdownFile, type MarkdownFolderRead, type MarkdownFolderRules } from './markdown-folder';

/** The project's agents folder, relative to the workspace root. */
export const PROJECT_AGENTS_DIR = path.join('.shoal', 'agents');
/** The user's agents folder, inside shoal's config folder. */
export const USER_AGENTS_DIR = 'agents';

/** One `NAME.md` read from an agents folder. */
export type AgentFileRead = MarkdownFile;

const AGENT_RULES: MarkdownFolderRules = {
  // The agent's name is its front matter's; the file's only has to be a plain one.
  namePattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
  nameRule: "an agent file's name is letters, digits, ., - and _",
  maxFiles: 100,
  maxBytes: 64 * 1024,
  plural: 'agents',
};

/**
 * Reads the project's `.shoal/agents/*.md` through the workspace's confinement:
 * what trust is given to, read once. Contract: never rejects.
 */
export function readProjectAgents(cwd: string): Promise<MarkdownFolderRead> {
  return readProjectMarkdownFolder(cwd, PROJECT_AGENTS_DIR, AGENT_RULES);
}

/** Reads the user's own `agents/*.md` in shoal's config folder. Contract: never rejects. */
export function readUserAgents(configDir: string, configDisplay: string): Promise<MarkdownFolderRead> {
  return readUserMarkdownFolder(path.join(configDir, USER_AGENTS_DIR), path.join(configDisplay, USER_AGENTS_DIR), AGENT_RULES);
}

/** The bytes the project's agents add to its trust subject; empty for none. */
export function agentsTrustBytes(files: readonly AgentFileRead[]): Buffer {
  return markdownTrustBytes(PROJECT_AGENTS_DIR, files);
}

/**
 * The agents in effect: the user's own from `configDir`, and the project's
 * files, which the caller passes only once the folder is trusted. Project
 * agents override the user's of the same name. Contract: never rejects.
 */
export async function loadAgentSet(options: { configDir: string; configDisplay: string; project: readonly AgentFileRead[] }): Promise<AgentSet> {
  const user = await readUserAgents(options.configDir, options.configDisplay);
  const userFolder = path.join(options.configDisplay, USER_AGENTS_DIR);
  const set = await buildAgentSet([...user.files, ...options.project], (file) => path.join(file.source === 'user' ? userFolder : PROJECT_AGENTS_DIR, `${file.name}.md`));
  return { agents: set.agents, notes: [...user.notes, ...set.notes] };
}
