import type { McpServerConfig } from './mcp-servers';

// `${VAR}` or `${VAR:-default}`, as Claude Code reads `.mcp.json`: a bare `$VAR` stays text, and a default ends at the first `}`.
const REFERENCE = /\$\{([^}]+)\}/g;
const DEFAULT_MARK = ':-';

/** The environment expansion reads from, `process.env` in shoal. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Whether `text` names an environment variable to expand, e.g. `${API_BASE:-https://example.com}/mcp`. */
export function hasReference(text: string): boolean {
  return new RegExp(REFERENCE.source).test(text);
}

/**
 * `server` with `${VAR}` and `${VAR:-default}` taken from `env` in its command,
 * args, env values, URL and header values (Claude Code's fields). A variable
 * that is set, even to "", is used; an unset one takes its default. Throws an
 * Error whose message is one line, e.g. `${GITHUB_TOKEN} is not set`, when a
 * variable is unset with no default: an empty token would fail later, less clearly.
 */
export function expandMcpServer(server: McpServerConfig, env: Environment): McpServerConfig {
  const missing = new Set<string>();
  const expanded = mapExpandedFields(server, (text) =>
    text.replace(REFERENCE, (reference, body: string) => {
      const { name, fallback } = parseReference(body);
      const value = (Object.hasOwn(env, name) ? env[name] : undefined) ?? fallback;
      if (value === undefined) missing.add(name);
      return value ?? reference;
    }),
  );
  if (missing.size > 0) throw new Error(`${listReferences([...missing])} ${missing.size === 1 ? 'is' : 'are'} not set`);
  // Checked only now: `${API_BASE}/mcp` is a URL only once expanded. The expanded value is not shown: it may hold a secret.
  if ('url' in expanded && !isHttpUrl(expanded.url)) throw new Error(`"url" is not an http or https URL once ${listReferences(mcpServerVariables(server))} expanded`);
  // Said here, by name: the HTTP client's own error would quote the header's value, a secret perhaps.
  if ('url' in expanded && Object.values(expanded.headers ?? {}).some((value) => /[\r\n\0]/.test(value))) {
    throw new Error(`a header holds a line break or NUL once ${listReferences(mcpServerVariables(server))} expanded`);
  }
  return expanded;
}

/** The environment variables a server's definition reads, by name, for the trust prompt: what a project would take from you. */
export function mcpServerVariables(server: McpServerConfig): string[] {
  const names = new Set<string>();
  mapExpandedFields(server, (text) => {
    for (const match of text.matchAll(REFERENCE)) names.add(parseReference(match[1]!).name);
    return text;
  });
  return [...names];
}

/** "${A}, ${B}": variables as the user wrote them, never their values. */
export function listReferences(names: readonly string[]): string {
  return names.map((name) => `\${${name}}`).join(', ');
}

/** `server` with `map` applied to each field that expansion reads, and to nothing else (not cwd, not env or header names). */
function mapExpandedFields(server: McpServerConfig, map: (text: string) => string): McpServerConfig {
  const mapValues = (record: Record<string, string> | undefined) => record && Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
  if ('command' in server) return { ...server, command: map(server.command), args: server.args?.map(map), env: mapValues(server.env) };
  return { ...server, url: map(server.url), headers: mapValues(server.headers) };
}

/** `NAME` or `NAME:-default`; the default runs to the closing brace and may itself hold `:-`. */
function parseReference(body: string): { name: string; fallback?: string } {
  const mark = body.indexOf(DEFAULT_MARK);
  return mark === -1 ? { name: body } : { name: body.slice(0, mark), fallback: body.slice(mark + DEFAULT_MARK.length) };
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}
