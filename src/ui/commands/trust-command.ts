import type { ProjectConfig } from '../../config/settings';
import { forgetProjectTrust, forgetResultLine, projectTrust } from '../../config/trust';
import { toVisibleText } from '../visible-text';

/** This folder's trust as the run settled it, for /trust. */
export interface FolderTrust {
  /** The workspace as the user knows it, e.g. "~/src/app". */
  folderLabel: string;
  /** The workspace and shoal's state directory: where the decision is looked up and kept. */
  cwd: string;
  stateDir: string;
  /** The project's files (`.shoal/config.json`, `.mcp.json`, `.shoal/commands`, `.shoal/agents`), when it has any. */
  project?: Pick<ProjectConfig, 'display' | 'subject' | 'trust' | 'loosening' | 'isApplied'>;
}

/**
 * The text of /trust: whether the folder is trusted, what its project files
 * change (or would), and how to take the trust back. Reads the store afresh,
 * so it tells a decision forgotten since the start.
 * Contract: never rejects.
 */
export async function trustStatusText(trust: FolderTrust): Promise<string> {
  const { project } = trust;
  const folder = toVisibleText(trust.folderLabel);
  const check = await projectTrust({ cwd: trust.cwd, stateDir: trust.stateDir, fileBytes: project?.subject.fileBytes ?? new Uint8Array() });
  const hasRecord = check.status !== 'untrusted';
  const forgetHint = hasRecord ? ['/trust forget stops trusting it; the next start asks again.'] : [];
  if (!project || project.loosening.length === 0) {
    const record = hasRecord ? ' It still has a trust record from earlier.' : '';
    return [`Nothing in ${folder} waits for folder trust: it has no project settings, MCP servers, commands or agents that need it.${record}`, ...forgetHint, ...check.notes].join('\n');
  }
  // Every name and value below comes from files anyone may commit: escaped before the terminal sees them.
  const files = toVisibleText(project.display);
  const changes = project.loosening.map(({ description }) => `  • ${toVisibleText(description)}`);
  let heading: string;
  if (project.isApplied && project.trust === 'given') heading = `The settings of ${files} apply in this run because of --trust (nothing was remembered):`;
  else if (project.isApplied && check.status === 'trusted') heading = `${folder} is trusted, so the settings of ${files} apply:`;
  else if (project.isApplied) heading = `The settings of ${files} apply in this run, but ${folder} is no longer trusted: the next start asks again. They:`;
  else {
    const why = project.trust === 'changed' ? ' (changed since you trusted it)' : '';
    heading = `${folder} is not trusted: the settings of ${files}${why} are ignored in this run, and the next start asks again. They would:`;
  }
  return [heading, ...changes, ...forgetHint, ...check.notes].join('\n');
}

/**
 * Forgets this folder's trust, for /trust forget: one line saying what
 * happened, and that what applies now stays until shoal restarts.
 * Contract: never rejects; `isError` when the store could not be changed.
 */
export async function forgetTrustText(trust: FolderTrust): Promise<{ text: string; isError: boolean }> {
  const result = await forgetProjectTrust({ cwd: trust.cwd, stateDir: trust.stateDir });
  const line = forgetResultLine(result, toVisibleText(trust.folderLabel));
  // The settings were read at start: forgetting changes the next start, not this run.
  const inForce = trust.project?.isApplied ? ` The settings of ${toVisibleText(trust.project.display)} stay in force until shoal restarts.` : '';
  return { text: `${line}${result.status === 'forgotten' ? inForce : ''}`, isError: result.status === 'failed' };
}
