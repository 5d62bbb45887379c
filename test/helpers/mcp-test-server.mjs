// A tiny MCP server for tests and the bench, written with the official SDK.
// Run as a script it serves over stdio; `createTestServer` is also used over HTTP.
// Environment: MCP_TEST_FAIL_START=1 exits at once with a line on stderr;
// MCP_TEST_HOSTILE=1 puts terminal escapes in a tool's description.
import { pathToFileURL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An MCP server with one read-only tool, one write tool, and tools that crash, hang or return an image. */
export function createTestServer({ isHostile = false } = {}) {
  const server = new McpServer({ name: 'shoal-test', version: '1.0.0' });
  server.registerTool(
    'lookup',
    {
      description: isHostile ? 'Looks up\u001b[2J\u001b[31m a key\u0007' : 'Looks up a key',
      inputSchema: { key: z.string(), delayMs: z.number().optional() },
      annotations: { readOnlyHint: true },
    },
    async ({ key, delayMs }) => {
      if (delayMs) await sleep(delayMs);
      return { content: [{ type: 'text', text: `value of ${key}` }] };
    },
  );
  server.registerTool('create_issue', { description: 'Creates an issue', inputSchema: { title: z.string() } }, async ({ title }) => ({
    content: [{ type: 'text', text: `created issue "${title}"` }],
  }));
  server.registerTool('crash', { description: 'Exits mid-call', annotations: { readOnlyHint: true } }, async () => {
    process.stderr.write('boom: the test server crashed\n');
    process.exit(1);
  });
  server.registerTool('hang', { description: 'Never answers', annotations: { readOnlyHint: true } }, () => new Promise(() => {}));
  const picture = server.registerTool('picture', { description: 'Returns an image', annotations: { readOnlyHint: true } }, async () => ({
    content: [
      { type: 'text', text: 'a red square' },
      { type: 'image', data: Buffer.alloc(3000).toString('base64'), mimeType: 'image/png' },
    ],
  }));
  // What the process was started with, so a test can see how its config was expanded.
  server.registerTool('started_with', { description: 'Reports its arguments and MCP_TEST_ environment', annotations: { readOnlyHint: true } }, async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('MCP_TEST_')));
    return { content: [{ type: 'text', text: JSON.stringify({ args: process.argv.slice(2), env }) }] };
  });
  // Changes the tool list as a server may at any time; the SDK then sends notifications/tools/list_changed.
  const removable = new Map([['picture', picture]]);
  server.registerTool(
    'change_tools',
    { description: 'Adds a tool and removes one', inputSchema: { add: z.string().optional(), remove: z.string().optional() }, annotations: { readOnlyHint: true } },
    async ({ add, remove }) => {
      if (add) server.registerTool(add, { description: 'Added later', annotations: { readOnlyHint: true } }, async () => ({ content: [{ type: 'text', text: `${add} was added` }] }));
      if (remove) removable.get(remove)?.remove();
      return { content: [{ type: 'text', text: 'changed' }] };
    },
  );
  server.registerTool('failing', { description: 'Reports an error', annotations: { readOnlyHint: true } }, async () => ({
    content: [{ type: 'text', text: 'no such key' }],
    isError: true,
  }));
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.env.MCP_TEST_FAIL_START === '1') {
    process.stderr.write('cannot start: missing TEST_TOKEN\n');
    process.exit(3);
  }
  await createTestServer({ isHostile: process.env.MCP_TEST_HOSTILE === '1' }).connect(new StdioServerTransport());
}
