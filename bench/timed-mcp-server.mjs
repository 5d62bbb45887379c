// An MCP server over stdio for bench/overlap.ts: one read-only tool, `lookup`,
// that takes BENCH_CALL_MS (500 ms unless set) and appends one JSON line per
// call to the file BENCH_CALL_LOG names: its key, and when it started and
// ended, in milliseconds since the epoch (bench/measure.ts's `now()`).
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const log = process.env.BENCH_CALL_LOG;
if (!log) throw new Error('BENCH_CALL_LOG must name the file to log calls to.');
const callMs = Number(process.env.BENCH_CALL_MS ?? 500);
const now = () => performance.timeOrigin + performance.now();

const server = new McpServer({ name: 'shoal-bench-timed', version: '1.0.0' });
server.registerTool(
  'lookup',
  { description: 'Looks up a key (slowly)', inputSchema: { key: z.string() }, annotations: { readOnlyHint: true } },
  async ({ key }) => {
    const startedAt = now();
    await new Promise((resolve) => setTimeout(resolve, callMs));
    appendFileSync(log, `${JSON.stringify({ key, startedAt, endedAt: now() })}\n`);
    return { content: [{ type: 'text', text: `value of ${key}` }] };
  },
);
await server.connect(new StdioServerTransport());
