import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ShoalTool } from '../types';
import type { McpCallResult } from './result';
import { createMcpTool, type CallMcpTool, type McpToolInfo } from './mcp-tool';

/** One configured server: a command started over stdio, or a URL spoken to over streamable HTTP (or SSE). */
export type McpServerSpec =
  | { command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { url: string; headers?: Record<string, string>; type?: 'http' | 'sse' };

/** Where a server is: starting, ready with its tools, or failed (never started, crashed, timed out). */
export type McpServerState = { status: 'starting' } | { status: 'ready' } | { status: 'failed'; reason: string };

/** One server as `/mcp` shows it. */
export interface McpServerView {
  name: string;
  /** "npx foo" or the URL, for people. */
  target: string;
  state: McpServerState;
  tools: { name: string; serverName: string; isReadOnly: boolean }[];
}

/** A change worth telling the user about: a server ready or failed, or a ready server whose tools changed (`tools/list_changed`). */
export type McpEvent =
  | { type: 'ready'; server: string; toolCount: number }
  | { type: 'failed'; server: string; reason: string }
  | { type: 'tools-changed'; server: string; toolCount: number };

/** The MCP servers of one session and the tools they bring. */
export interface McpManager {
  /** Starts every server in parallel; a second call does nothing. Never throws. */
  start(): void;
  /** Resolves once every server is ready or failed (each is failed after the start timeout). Contract: never rejects. */
  settled(): Promise<void>;
  servers(): McpServerView[];
  /** The tools of every server that started (a crashed one's calls fail with its reason); the same array until one changes. */
  tools(): readonly ShoalTool[];
  /** Contract: `listener` hears every `ready`, `failed` and `tools-changed`, after it subscribed; returns the unsubscribe. */
  subscribe(listener: (event: McpEvent) => void): () => void;
  /** Stops every server (their child processes die). Never rejects. */
  close(): Promise<void>;
}

/** How long a server may take to start and list its tools. */
export const MCP_START_TIMEOUT_MS = 20_000;
/** How long one tool call may take. */
export const MCP_CALL_TIMEOUT_MS = 60_000;
/** How long after a server's last `tools/list_changed` its tools are listed again: a burst of changes costs one listing. */
export const MCP_LIST_CHANGED_DEBOUNCE_MS = 300;
/** Most tools taken from one server: each costs tokens in every request. */
export const MAX_TOOLS_PER_SERVER = 128;
// Enough of a server's stderr to say why it failed.
const STDERR_TAIL_BYTES = 2048;

interface Connection {
  name: string;
  spec: McpServerSpec;
  state: McpServerState;
  client?: Client;
  tools: { tool: ShoalTool; info: McpToolInfo }[];
  stderrTail: string;
  pid?: number;
  /** Listings begun after a change; only the latest one's answer is kept. */
  listings: number;
  /** The server said its tools changed while it was still starting: listed again once it is ready. */
  isListStale?: boolean;
}

/**
 * Connects to the configured MCP servers with the official SDK. A server that
 * fails to start, crashes or times out is `failed` with a reason; its calls fail
 * with "MCP server x is not running: …". Nothing here throws into the caller.
 */
export function createMcpManager(options: {
  servers: Readonly<Record<string, McpServerSpec>>;
  cwd: string;
  version?: string;
  startTimeoutMs?: number;
  callTimeoutMs?: number;
  /**
   * The server to connect to for a configured one (shoal expands its `${VAR}`s); `/mcp` keeps showing the configured one.
   * Contract: returns, or throws an Error whose one-line message says why the server cannot start, e.g. `${TOKEN} is not set`.
   */
  resolve?: (spec: McpServerSpec) => McpServerSpec;
}): McpManager {
  const connections = Object.entries(options.servers).map(([name, spec]): Connection => ({ name, spec, state: { status: 'starting' }, tools: [], stderrTail: '', listings: 0 }));
  const listeners = new Set<(event: McpEvent) => void>();
  let tools: readonly ShoalTool[] = [];
  let starting: Promise<void> | undefined;
  let isClosed = false;
  const startTimeoutMs = options.startTimeoutMs ?? MCP_START_TIMEOUT_MS;
  const callTimeoutMs = options.callTimeoutMs ?? MCP_CALL_TIMEOUT_MS;

  // A stdio server is our child: it must not outlive shoal, whichever way shoal exits.
  const killChildren = () => {
    for (const connection of connections) if (connection.pid) safeKill(connection.pid);
  };

  const publish = (event: McpEvent) => {
    // A server that stops keeps its tools on offer: a call then gets "not running" and its reason, not "unknown tool".
    tools = connections.flatMap((connection) => connection.tools.map(({ tool }) => tool));
    for (const listener of listeners) listener(event);
  };
  const fail = (connection: Connection, reason: string) => {
    if (connection.state.status === 'failed') return;
    const stderr = lastLine(connection.stderrTail);
    connection.state = { status: 'failed', reason: stderr && !reason.includes(stderr) ? `${reason} (stderr: ${stderr})` : reason };
    void connection.client?.close().catch(() => {});
    if (connection.pid) safeKill(connection.pid);
    publish({ type: 'failed', server: connection.name, reason: connection.state.reason });
  };

  async function connect(connection: Connection): Promise<void> {
    let infos: McpToolInfo[];
    const sdk = await loadSdk();
    const timeout = AbortSignal.timeout(startTimeoutMs);
    let client: Client;
    try {
      const spec = options.resolve ? options.resolve(connection.spec) : connection.spec;
      client = await open({ connection, spec, sdk, signal: timeout });
      infos = await listAllTools(client, { timeout: startTimeoutMs, signal: timeout });
    } catch (error) {
      return fail(connection, timeout.aborted ? `did not start within ${seconds(startTimeoutMs)}` : describeStartError(error, sdk));
    }
    if (isClosed || connection.state.status === 'failed') return;
    connection.tools = adoptTools(connection, infos);
    connection.state = { status: 'ready' };
    publish({ type: 'ready', server: connection.name, toolCount: connection.tools.length });
    if (connection.isListStale) void refreshTools(connection, client);
  }

  /**
   * Lists a ready server's tools again, after it said they changed, so the next model step and /mcp
   * see the new set. A listing that fails keeps the tools there were: a server that stopped says so through onclose.
   */
  async function refreshTools(connection: Connection, client: Client): Promise<void> {
    if (connection.client !== client || isClosed) return;
    connection.isListStale = connection.state.status === 'starting';
    if (connection.state.status !== 'ready') return;
    const listing = (connection.listings += 1);
    let infos: McpToolInfo[];
    try {
      infos = await listAllTools(client, { timeout: startTimeoutMs, signal: AbortSignal.timeout(startTimeoutMs) });
    } catch {
      return;
    }
    // A later change's listing, a failure or a close since: this answer is stale.
    if (listing !== connection.listings || connection.state.status !== 'ready' || isClosed) return;
    connection.tools = adoptTools(connection, infos);
    publish({ type: 'tools-changed', server: connection.name, toolCount: connection.tools.length });
  }

  function adoptTools(connection: Connection, infos: readonly McpToolInfo[]): Connection['tools'] {
    const seen = new Set<string>();
    return infos.flatMap((info) => {
      const tool = createMcpTool({ server: connection.name, info, call: (request) => callTool(connection, request) });
      // Two server tools that sanitise to one name: the first keeps it, rather than one shadowing the other.
      if (seen.has(tool.name)) return [];
      seen.add(tool.name);
      return [{ tool, info }];
    });
  }

  /**
   * Connects over the server's transport. A URL without a type that gets an HTTP 4xx over
   * streamable HTTP is tried once more over SSE: the MCP spec's advice for servers older than it.
   */
  async function open({ connection, spec, sdk, signal }: { connection: Connection; spec: McpServerSpec; sdk: McpSdk; signal: AbortSignal }): Promise<Client> {
    const [kind, fallback] = transportsFor(spec);
    const attempt = (over: TransportKind) => connectClient({ connection, transport: createTransport({ connection, spec, kind: over, cwd: options.cwd, sdk }), sdk, signal });
    try {
      return await attempt(kind);
    } catch (error) {
      if (!isHttpClientError(error, sdk) || isClosed) throw error;
      // "type": "http" was asked for: no second guess, but where the server has no such endpoint (not an auth refusal), the way out is named.
      if (!fallback) throw [404, 405].includes(error.code!) ? new Error(`${describeStartError(error, sdk)}; if it is an older SSE server, set "type": "sse"`) : error;
      try {
        return await attempt(fallback);
      } catch (fallbackError) {
        throw new Error(`${describeStartError(error, sdk)}, and over SSE: ${describeStartError(fallbackError, sdk)}`);
      }
    }
  }

  async function connectClient({ connection, transport, sdk, signal }: { connection: Connection; transport: Transport; sdk: McpSdk; signal: AbortSignal }): Promise<Client> {
    // The SDK hears `tools/list_changed` only from a server that declares it can send it; shoal lists the tools
    // itself (autoRefresh off), since the SDK's own refresh reads only their first page.
    const client: Client = new sdk.Client(
      { name: 'shoal', version: options.version ?? '0.0.0' },
      { listChanged: { tools: { autoRefresh: false, debounceMs: MCP_LIST_CHANGED_DEBOUNCE_MS, onChanged: () => void refreshTools(connection, client) } } },
    );
    connection.client = client;
    client.onerror = () => {}; // a bad message is not fatal; a closed connection arrives through onclose
    try {
      await client.connect(transport, { timeout: startTimeoutMs, signal });
    } finally {
      // A server that never answered is still running: known by its pid, it is stopped with the failure.
      if (transport instanceof sdk.StdioClientTransport) connection.pid ??= transport.pid ?? undefined;
    }
    // Only once connected: a failed attempt closes its connection too, and that says less than its error (or is followed by SSE).
    client.onclose = () => fail(connection, connection.state.status === 'starting' ? 'the connection closed while starting' : 'the server stopped');
    return client;
  }

  async function callTool(connection: Connection, request: Parameters<CallMcpTool>[0]) {
    const state = connection.state;
    if (state.status !== 'ready' || !connection.client) {
      throw new Error(`MCP server ${connection.name} is not running: ${state.status === 'failed' ? state.reason : 'it is still starting'}. Go on without this tool.`);
    }
    try {
      const result = await connection.client.callTool({ name: request.tool, arguments: request.input }, undefined, {
        signal: request.signal,
        timeout: callTimeoutMs,
      });
      return result as McpCallResult;
    } catch (error) {
      if (request.signal.aborted) throw error;
      const after = connection.state;
      if (after.status === 'failed') throw new Error(`MCP server ${connection.name} is not running: ${after.reason}. Go on without this tool.`);
      if (/timed out/i.test(describeError(error))) {
        throw new Error(`${request.tool} on MCP server ${connection.name} timed out after ${seconds(callTimeoutMs)}. Try a smaller request or go on without it.`);
      }
      throw new Error(`MCP server ${connection.name}: ${describeError(error)}`);
    }
  }

  return {
    start() {
      if (starting || isClosed) return;
      if (connections.some((connection) => 'command' in connection.spec)) process.once('exit', killChildren);
      starting = Promise.all(connections.map((connection) => connect(connection).catch((error) => fail(connection, describeError(error))))).then(() => {});
    },
    settled: () => starting ?? Promise.resolve(),
    servers: () =>
      connections.map((connection) => ({
        name: connection.name,
        target: 'command' in connection.spec ? [connection.spec.command, ...(connection.spec.args ?? [])].join(' ') : connection.spec.url,
        state: connection.state,
        tools: connection.tools.map(({ tool, info }) => ({ name: tool.name, serverName: info.name, isReadOnly: tool.kind === 'read-only' })),
      })),
    tools: () => tools,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      isClosed = true;
      process.removeListener('exit', killChildren);
      await Promise.all(
        connections.map(async (connection) => {
          const pid = connection.pid;
          connection.state = { status: 'failed', reason: 'shoal closed the connection' };
          await connection.client?.close().catch(() => {});
          if (pid) safeKill(pid);
        }),
      );
    },
  };
}

/** The MCP SDK's client and transports, loaded when the first server starts: after the first frame, never before it. */
type McpSdk = Awaited<ReturnType<typeof importSdk>>;
let sdkLoading: Promise<McpSdk> | undefined;

function loadSdk(): Promise<McpSdk> {
  return (sdkLoading ??= importSdk());
}

async function importSdk() {
  const [{ Client }, { SSEClientTransport }, { StdioClientTransport }, { StreamableHTTPClientTransport, StreamableHTTPError }, { ErrorCode, McpError }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return { Client, SSEClientTransport, StdioClientTransport, StreamableHTTPClientTransport, StreamableHTTPError, ErrorCode, McpError };
}

type TransportKind = 'stdio' | 'http' | 'sse';

/** The transports to try, in order: a URL without a type (Cursor's and Claude Desktop's shape) may be an older SSE-only server. */
function transportsFor(spec: McpServerSpec): [TransportKind, TransportKind?] {
  if ('command' in spec) return ['stdio'];
  return spec.type ? [spec.type] : ['http', 'sse'];
}

/** An HTTP 4xx from a streamable HTTP attempt: the server is there but does not speak it (404, 405), so SSE is worth a try. */
function isHttpClientError(error: unknown, sdk: McpSdk): error is InstanceType<McpSdk['StreamableHTTPError']> {
  return error instanceof sdk.StreamableHTTPError && error.code !== undefined && error.code >= 400 && error.code < 500;
}

function createTransport({ connection, spec, kind, cwd, sdk }: { connection: Connection; spec: McpServerSpec; kind: TransportKind; cwd: string; sdk: McpSdk }): Transport {
  if ('command' in spec) {
    // stderr piped and kept, never printed: it would draw over the TUI.
    const transport = new sdk.StdioClientTransport({ command: spec.command, args: spec.args, env: spec.env, cwd: spec.cwd ? path.resolve(cwd, spec.cwd) : cwd, stderr: 'pipe' });
    transport.stderr?.on('data', (chunk: Buffer) => {
      connection.stderrTail = (connection.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    return transport;
  }
  const requestInit = spec.headers ? { headers: spec.headers } : undefined;
  return kind === 'sse' ? new sdk.SSEClientTransport(new URL(spec.url), { requestInit }) : new sdk.StreamableHTTPClientTransport(new URL(spec.url), { requestInit });
}

async function listAllTools(client: Client, options: { timeout: number; signal: AbortSignal }): Promise<McpToolInfo[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const infos: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor }, options);
    infos.push(...(page.tools as McpToolInfo[]));
    cursor = page.nextCursor;
  } while (cursor !== undefined && infos.length < MAX_TOOLS_PER_SERVER);
  return infos.slice(0, MAX_TOOLS_PER_SERVER);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** Why a server did not start, said as what it means here: the SDK's "Connection closed", an HTTP status by its number. */
function describeStartError(error: unknown, sdk: McpSdk): string {
  if (error instanceof sdk.McpError && error.code === sdk.ErrorCode.ConnectionClosed) return 'the connection closed while starting';
  if (error instanceof sdk.StreamableHTTPError && error.code !== undefined && error.code > 0) {
    return `the server answered ${error.code} over streamable HTTP (${describeError(error).replace(/^Streamable HTTP error: /, '')})`;
  }
  // fetch says only "fetch failed"; its cause says why (ECONNREFUSED, ENOTFOUND).
  if (error instanceof Error && error.cause instanceof Error) return `${describeError(error)}: ${describeError(error.cause)}`;
  return describeError(error);
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!.slice(0, 300) || 'unknown error';
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim().slice(0, 200) ?? '';
}

function safeKill(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}
