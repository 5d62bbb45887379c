import { applyProjectTrust } from '../config/load-config';
import type { ProjectConfig, ResolvedConfig } from '../config/settings';
import { trustProject } from '../config/trust';

/** What the trust prompt is shown: the file, the folder and one line per change it would make. */
export interface TrustQuestion {
  fileLabel: string;
  folderLabel: string;
  changes: string[];
  /** The user trusted an earlier version of this file. */
  isChanged: boolean;
}

/**
 * Settles the project file's loosening settings before anything is built:
 * interactive runs `ask` once (trust applies and remembers this content;
 * don't trust ignores them this run only), headless runs ignore them with a
 * note (--trust applies them, having been resolved earlier). Returns
 * undefined when the user quits at the prompt.
 * Contract: `ask` resolves once with the user's answer.
 */
export async function settleProjectTrust(options: {
  config: ResolvedConfig;
  isInteractive: boolean;
  folderLabel: string;
  ask: (question: TrustQuestion) => Promise<'trust' | 'distrust' | 'quit'>;
  notes: string[];
}): Promise<ResolvedConfig | undefined> {
  const { config, notes } = options;
  const project = withheldSettings(config);
  if (!project) return config;
  if (!options.isInteractive) {
    notes.push(ignoredSettingsNote(project, 'pass --trust to apply them'));
    return config;
  }
  const answer = await options.ask({
    fileLabel: project.display,
    folderLabel: options.folderLabel,
    changes: project.loosening.map(({ description }) => description),
    isChanged: project.trust === 'changed',
  });
  if (answer === 'quit') return undefined;
  if (answer === 'distrust') {
    notes.push(ignoredSettingsNote(project, 'you will be asked again next run'));
    return config;
  }
  // Trust applies even when it cannot be saved: the user said yes to this run at least.
  await trustProject(project.subject).catch((error: Error) => notes.push(`trusted for this run only: the decision could not be saved (${error.message})`));
  return applyProjectTrust(config);
}

/** The project settings held back for want of trust, or nothing when none are. */
function withheldSettings(config: ResolvedConfig): ProjectConfig | undefined {
  const project = config.project;
  return project && !project.isApplied && project.loosening.length > 0 ? project : undefined;
}

/** One line naming the project settings that this run ignores, and how to apply them. */
function ignoredSettingsNote(project: ProjectConfig, howToApply: string): string {
  const why = project.trust === 'changed' ? 'changed since you trusted this folder' : 'untrusted folder';
  const servers = Object.keys(project.withheld.mcpServers ?? {});
  const commands = project.commands.map(({ name }) => `/${name}`).join(', ');
  const agents = project.agents.map(({ name }) => name).join(', ');
  const named = (key: string) =>
    key === 'mcpServers' ? `MCP servers ${servers.join(', ')}` : key === 'commands' ? `slash commands ${commands}` : key === 'agents' ? `agents ${agents}` : key;
  const keys = [...new Set(project.loosening.map(({ key }) => named(key)))];
  return `ignoring ${keys.join(', ')} from ${project.display} (${why}; ${howToApply})`;
}
