import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createAgentTools } from '../src/agent/create-agent';
import { createMcpManager } from '../src/tools/mcp/client';
import { createRegistry } from '../src/tools/registry';
import { ofType } from '../test/helpers/collect';
import { createFakeTool } from '../test/helpers/fake-tools';
import { createScriptedModel } from '../test/helpers/scripted-model';
import { formatMs, median, repeat, runLoop, withTempDir } from './measure';
import { startOnce } from './startup';
import type { Row } from './table';

const RUNS = 7;
const SERVER_SCRIPT = path.resolve('test/helpers/mcp-test-server.mjs');

/** Median first frame of the TUI, with `servers` MCP servers in the user's config. */
async function firstFrame(dir: string, servers: number): Promise<number> {
  const home = path.join(dir, `home-${servers}`);
  await mkdir(path.join(home, 'config'), { recursive: true });
  const mcpServers = Object.fromEntries(Array.from({ length: servers }, (_, index) => [`s${index}`, { command: process.execPath, args: [SERVER_SCRIPT] }]));
  await writeFile(path.join(home, 'config', 'config.json'), JSON.stringify({ mcpServers }));
  const frames = await repeat(RUNS, async () => (await startOnce(dir, home)).firstFrameMs);
  return median(frames);
}

/**
 * What the batch adds around one read: its phase's wall time less the call's
 * own duration, for an MCP read (a real stdio server) and a built-in-shaped read.
 */
async function batchOverhead(tools: Parameters<typeof runLoop>[0]['tools'], toolName: string, input: unknown): Promise<number> {
  const overheads = await repeat(RUNS, async () => {
    const model = createScriptedModel([{ calls: [{ toolName, input }] }, { text: 'done' }]);
    const nodes = await runLoop({ model, tools, prompt: 'read' });
    const phase = ofType(nodes, 'phase-end').find((node) => node.phase === 'read-only');
    const call = ofType(nodes, 'tool-call-end')[0];
    if (!phase || call?.status !== 'ok') throw new Error(`The ${toolName} batch failed: ${call?.output ?? 'no call'}`);
    return phase.durationMs - call.durationMs;
  });
  return median(overheads);
}

/** MCP figures: first frame with three servers against none, and an MCP read's overhead in the batch against a built-in read's. */
export async function measureMcp(): Promise<Row[]> {
  return withTempDir('mcp', async (dir) => {
    const none = await firstFrame(dir, 0);
    const three = await firstFrame(dir, 3);
    const frameTarget = none * 1.1 + 10;
    const mcp = createMcpManager({ servers: { bench: { command: process.execPath, args: [SERVER_SCRIPT] } }, cwd: dir });
    try {
      mcp.start();
      await mcp.settled();
      const model = createScriptedModel([]);
      const mcpOverhead = await batchOverhead(createAgentTools({ cwd: dir, model, mcp }), 'mcp__bench__lookup', { key: 'k' });
      const builtIn = await batchOverhead(createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs: 1 })]), 'read_file', { label: 'a' });
      return [
        {
          group: 'mcp',
          figure: 'first frame with three MCP servers configured',
          value: `${formatMs(three)} (none: ${formatMs(none)})`,
          target: `≤ 1.1 × none + 10 ms (${formatMs(frameTarget)})`,
          isMet: three <= frameTarget,
        },
        {
          group: 'mcp',
          figure: 'MCP read in the batch: scheduling overhead',
          value: `${formatMs(mcpOverhead)} (built-in read: ${formatMs(builtIn)})`,
          target: '< 5 ms',
          isMet: mcpOverhead < 5,
        },
      ];
    } finally {
      await mcp.close();
    }
  });
}
