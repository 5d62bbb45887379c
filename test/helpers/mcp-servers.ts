import { createServer, type Server } from 'node:http';
import path from 'node:path';
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
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The test server over streamable HTTP on loopback (stateless: one server per request), closed after the test. */
export async function startHttpTestServer(): Promise<McpServerSpec> {
  const http = createServer(async (request, response) => {
    const server = createTestServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => void transport.close());
    await server.connect(transport);
    let body = '';
    for await (const chunk of request) body += chunk;
    await transport.handleRequest(request, response, body ? JSON.parse(body) : undefined);
  });
  servers.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/mcp` };
}
