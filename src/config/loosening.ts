import { MODES_BY_LAXNESS, type ApprovalMode } from '../agent/calls/approval';
import { listReferences, mcpServerVariables } from './mcp-expansion';
import { describeMcpServer, type McpServerConfig } from './mcp-servers';
import type { Settings } from './settings';
import { parseAgentFile, type AgentFile } from '../agent/user-agents/definition';
import { describeHooks } from '../hooks/config';

/** One project setting that would let more happen than otherwise: it waits for the user's trust. */
export interface Loosening {
  key: 'approvalMode' | 'allowedTools' | 'baseUrl' | 'commandNetwork' | 'mcpServers' | 'webDomains' | 'webAllowPrivate' | 'commands' | 'agents' | 'hooks';
  /** What it would change, for the trust prompt, e.g. `set approvalMode to "yolo" (commands and edits run without asking)`. */
  description: string;
}

const MODE_EFFECTS: Record<ApprovalMode, string> = {
  plan: 'writes and commands neither run nor ask',
  ask: 'writes and commands ask first',
  'auto-edit': 'file edits run without asking',
  yolo: 'commands and edits run without asking',
};

/**
 * The project file's settings that loosen what `otherwise` (flags, environment,
 * user file and defaults) puts in effect: a laxer approval mode, any allowed
 * tool, any server, since that is where the key and the code go, the
 * network for sandboxed commands, any MCP server, since starting one runs a
 * command, web domains read without asking and private addresses for
 * web_fetch. Model
 * ids, step limits and concurrency are neutral; a stricter mode tightens.
 */
export function findLoosening(project: Settings, otherwise: Settings): Loosening[] {
  const found: Loosening[] = [];
  const mode = project.approvalMode;
  const otherwiseMode = otherwise.approvalMode ?? 'ask';
  if (mode !== undefined && MODES_BY_LAXNESS.indexOf(mode) > MODES_BY_LAXNESS.indexOf(otherwiseMode)) {
    found.push({ key: 'approvalMode', description: `set approvalMode to "${mode}" (${MODE_EFFECTS[mode]})` });
  }
  if (project.allowedTools !== undefined && project.allowedTools.length > 0) {
    found.push({ key: 'allowedTools', description: `let ${project.allowedTools.join(', ')} run without asking` });
  }
  if (project.webDomains !== undefined && project.webDomains.length > 0) {
    found.push({ key: 'webDomains', description: `let web_fetch read ${project.webDomains.join(', ')} without asking (a URL can carry data out)` });
  }
  if (project.webAllowPrivate === true && otherwise.webAllowPrivate !== true) {
    found.push({ key: 'webAllowPrivate', description: 'let web_fetch reach this machine and private networks (local services, routers, cloud metadata)' });
  }
  if (project.baseUrl !== undefined) {
    const what = otherwise.apiKey ? 'requests and your API key' : 'requests (your prompts and code)';
    found.push({ key: 'baseUrl', description: `send ${what} to ${project.baseUrl}` });
  }
  if (project.commandNetwork === true && otherwise.commandNetwork !== true) {
    found.push({ key: 'commandNetwork', description: 'let sandboxed commands reach the network' });
  }
  // Starting a server runs its command; a remote one gets what its tools are sent.
  for (const [name, server] of Object.entries(project.mcpServers ?? {})) {
    const what = 'command' in server ? `start MCP server "${name}": ${describeMcpServer(server)}` : `connect to MCP server "${name}" at ${server.url}`;
    found.push({ key: 'mcpServers', description: `${what}${fromEnvironment(server)}` });
  }
  // A hook is a command run on this machine, outside the sandbox, at every matching event.
  for (const hook of describeHooks(project.hooks)) found.push({ key: 'hooks', description: `run hook ${hook}` });
  return found;
}

/** " (with ${GITHUB_TOKEN} from your environment)": a header or URL can carry a variable of yours to the server. Names only, never values. */
function fromEnvironment(server: McpServerConfig): string {
  const names = mcpServerVariables(server);
  return names.length === 0 ? '' : ` (with ${listReferences(names)} from your environment)`;
}

/** The project's slash commands as a loosening: each one sends a prompt the repository wrote, in your name. */
export function commandsLoosening(names: readonly string[], folder: string): Loosening[] {
  if (names.length === 0) return [];
  return [{ key: 'commands', description: `add slash commands ${names.map((name) => `/${name}`).join(', ')} from ${folder}` }];
}

/**
 * The project's agents as a loosening: each runs a prompt the repository wrote,
 * and one with write tools asks to change files or run commands in your name.
 */
export async function agentsLoosening(files: readonly AgentFile[], folder: string): Promise<Loosening[]> {
  if (files.length === 0) return [];
  const named = await Promise.all(files.map(async (file) => {
    const parsed = await parseAgentFile(file, `${folder}/${file.name}.md`);
    if ('error' in parsed) return `${file.name}.md (malformed)`;
    return parsed.agent.canWrite ? `${parsed.agent.name} (writes files or runs commands, asking first)` : parsed.agent.name;
  }));
  return [{ key: 'agents', description: `add agents ${named.join(', ')} from ${folder}` }];
}
