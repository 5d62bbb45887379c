import { z } from 'zod';
import { readOwnFile } from '../workspace/own-file';
import { hasReference } from './mcp-expansion';

/**
 * One MCP server as users already write them (Claude Desktop, Cursor, Claude
 * Code's `.mcp.json`): a command to start over stdio, or a URL to connect to.
 * Kept as written, `${VAR}`s and all: they are expanded only as the server starts.
 */
export type McpServerConfig =
  | { command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { url: string; headers?: Record<string, string>; type?: 'http' | 'sse' };

/** Claude Code's project file of MCP servers, at the workspace root. */
export const MCP_JSON_FILE = '.mcp.json';
const MCP_JSON_MAX_BYTES = 256 * 1024;

const text = z.string().trim().min(1);
const stringMap = z.record(z.string(), z.string());
// Unknown keys (another client's `disabled`, `autoApprove`) are dropped, not refused: the file is shared with other tools.
const stdioSchema = z.object({ type: z.literal('stdio').optional(), command: text, args: z.array(z.string()).optional(), env: stringMap.optional(), cwd: text.optional() });
// A URL with a `${VAR}` in it is checked once expanded, when its server starts: `${API_BASE}/mcp` is no URL before.
const url = z.union([z.url({ protocol: /^https?$/ }), z.string().refine(hasReference)]);
const remoteSchema = z.object({ type: z.enum(['http', 'streamable-http', 'sse']).optional(), url, headers: stringMap.optional() });

const FIELD_EXPECTED: Record<string, string> = {
  command: 'a program to start (a non-empty string)',
  args: 'a list of strings',
  env: 'an object of string values',
  cwd: 'a folder (a non-empty string)',
  url: 'an http or https URL (it may use ${VAR})',
  headers: 'an object of string values',
  type: '"stdio", "http" or "sse"',
};

/**
 * Validates an `mcpServers` object; returns the servers, or one line per
 * problem naming the server and key, e.g. `"mcpServers.github.args" must be a list of strings`.
 */
export function parseMcpServers(value: unknown): { servers: Record<string, McpServerConfig>; problems: string[] } {
  const servers: Record<string, McpServerConfig> = {};
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { servers, problems: ['"mcpServers" must be an object of servers by name, e.g. {"github": {"command": "npx", "args": ["-y", "server-github"]}}'] };
  }
  for (const [name, entry] of Object.entries(value)) {
    const label = `"mcpServers.${JSON.stringify(name).slice(1, -1)}"`;
    if (!/^[\w.-]{1,64}$/.test(name)) {
      problems.push(`${label}: a server name is 1-64 letters, digits, "_", "-" or "."`);
      continue;
    }
    const isRemote = typeof entry === 'object' && entry !== null && 'url' in entry;
    const isStdio = typeof entry === 'object' && entry !== null && 'command' in entry;
    if (isRemote === isStdio) {
      problems.push(`${label} must be an object with either "command" (a program to start) or "url" (a server to connect to)`);
      continue;
    }
    const result = (isStdio ? stdioSchema : remoteSchema).safeParse(entry);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const key = String(issue.path[0] ?? '');
        problems.push(`"mcpServers.${name}.${key}" must be ${FIELD_EXPECTED[key] ?? 'something else'}`);
      }
      continue;
    }
    const { type, ...rest } = result.data as { type?: string };
    servers[name] = (remoteType(type) ? { ...rest, type: remoteType(type) } : rest) as McpServerConfig;
  }
  return { servers, problems: [...new Set(problems)] };
}

/**
 * A remote server's stated transport: "streamable-http" is another client's
 * name for "http". It is kept, since only a URL without one falls back to SSE.
 */
function remoteType(type: string | undefined): 'http' | 'sse' | undefined {
  if (type === 'http' || type === 'streamable-http') return 'http';
  return type === 'sse' ? type : undefined;
}

/** What `.mcp.json` holds: its servers and bytes (for the trust hash), or why it is ignored. */
export type McpJsonRead = { status: 'missing' } | { status: 'read'; servers: Record<string, McpServerConfig>; bytes: Buffer } | { status: 'ignored'; reason: string };

/**
 * Reads the workspace's `.mcp.json` (Claude Code's format, `{"mcpServers": {...}}`)
 * through the workspace's confinement. It belongs to other tools as much as to
 * shoal, so a problem ignores it with a reason rather than stopping shoal.
 * Contract: never rejects.
 */
export async function readMcpJson(cwd: string): Promise<McpJsonRead> {
  const read = await readOwnFile(cwd, MCP_JSON_FILE, { maxBytes: MCP_JSON_MAX_BYTES });
  if (read.status === 'missing') return read;
  if (read.status === 'refused') return { status: 'ignored', reason: read.reason };
  if (read.isCut) return { status: 'ignored', reason: `it is larger than ${MCP_JSON_MAX_BYTES / 1024} KiB` };
  let data: unknown;
  try {
    data = JSON.parse(read.text.replace(/^\uFEFF/, ''));
  } catch {
    return { status: 'ignored', reason: 'it is not valid JSON' };
  }
  const servers = (data as { mcpServers?: unknown } | null)?.mcpServers;
  if (servers === undefined) return { status: 'read', servers: {}, bytes: read.bytes };
  const parsed = parseMcpServers(servers);
  if (parsed.problems.length > 0) return { status: 'ignored', reason: parsed.problems[0]! };
  return { status: 'read', servers: parsed.servers, bytes: read.bytes };
}

/** "npx -y server-github" or the URL: what starting or reaching a server means, for people. */
export function describeMcpServer(server: McpServerConfig): string {
  if (!('command' in server)) {
    const headers = Object.keys(server.headers ?? {});
    return headers.length === 0 ? server.url : `${server.url} with headers ${headers.join(', ')}`;
  }
  // The environment and folder change what the command does (NODE_OPTIONS=--require, PATH): shown with it.
  const env = Object.entries(server.env ?? {}).map(([name, value]) => `${name}=${/KEY|TOKEN|SECRET|PASSW/i.test(name) ? '…' : value}`);
  const where = server.cwd === undefined ? '' : ` in ${server.cwd}`;
  return [...env, server.command, ...(server.args ?? [])].join(' ') + where;
}
