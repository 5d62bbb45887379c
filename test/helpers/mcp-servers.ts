import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach } from 'vitest';
import type { McpServerSpec } from '../../src/tools/mcp/client';
// @ts-expect-error: a plain script, so that it runs under node without a build step.
import { createTestServer } from './mcp-test-server.mjs';

/** The test server's script, run with node to serve over stdio. */
export const TEST_SERVER_SCRIPT = path.join(import.meta.dirname, 'mcp-test-server.mjs');

/** The stdio test server, started with this very node. */
export function stdioTestServer(env: Record<string, string> = {}): McpServerSpec {
  return { command: process.execPath, args: [TEST_SERVER_SCRIPT], env };
}

const servers: Server[] = [];
afterEach(async () => {
  // An SSE stream stays open until its client goes: ended here, so that close does not wait for it.
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)))));
});

/** The test server over streamable HTTP on loopback (stateless: one server per request), closed after the test. */
export async function startHttpTestServer(): Promise<{ url: string }> {
  return listen('/mcp', async (request, response) => {
    const server = createTestServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => void transport.close());
    await server.connect(transport);
    let body = '';
    for await (const chunk of request) body += chunk;
    await transport.handleRequest(request, response, body ? JSON.parse(body) : undefined);
  });
}

/**
 * The test server over the old HTTP+SSE transport only, as servers written
 * before streamable HTTP are: a stream from GET /sse, messages to POST
 * /messages, and 404 for anything else (a POST to /sse too). Closed after the test.
 */
export async function startSseTestServer(): Promise<{ url: string }> {
  const sessions = new Map<string, SSEServerTransport>();
  return listen('/sse', async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', response);
      sessions.set(transport.sessionId, transport);
      response.on('close', () => sessions.delete(transport.sessionId));
      await createTestServer().connect(transport);
      return;
    }
    const session = request.method === 'POST' && url.pathname === '/messages' ? sessions.get(url.searchParams.get('sessionId') ?? '') : undefined;
    if (session) await session.handlePostMessage(request, response);
    else response.writeHead(404).end('Not Found');
  });
}

/** An HTTP server on a free loopback port, closed after the test; returns its URL at `pathname`. */
async function listen(pathname: string, handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<{ url: string }> {
  const http = createServer((request, response) => void handle(request, response));
  servers.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}${pathname}` };
}

/** A loopback URL where nothing listens: a port just given back. */
export async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}/mcp`;
}
