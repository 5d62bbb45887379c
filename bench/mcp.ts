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
/** First-frame rounds: each starts shoal once with no servers and once with three, back to back. */
const FRAME_ROUNDS = 11;
const SERVER_SCRIPT = path.resolve('test/helpers/mcp-test-server.mjs');

/** A home whose config lists `servers` MCP servers. */
async function createHome(dir: string, servers: number): Promise<string> {
  const home = path.join(dir, `home-${servers}`);
  await mkdir(path.join(home, 'config'), { recursive: true });
  const mcpServers = Object.fromEntries(Array.from({ length: servers }, (_, index) => [`s${index}`, { command: process.execPath, args: [SERVER_SCRIPT] }]));
  await writeFile(path.join(home, 'config', 'config.json'), JSON.stringify({ mcpServers }));
  return home;
}

/**
 * First frames of the TUI with no MCP server and with three, started in
 * alternating order round by round, so a burst of load from elsewhere falls
 * on one pair rather than on all of one side; the verdict takes each round's
 * excess over the target and its median.
 */
async function firstFrames(dir: string): Promise<{ none: number; three: number; excess: number }> {
  const homes = { none: await createHome(dir, 0), three: await createHome(dir, 3) };
  const none: number[] = [];
  const three: number[] = [];
  const excess: number[] = [];
  await repeat(FRAME_ROUNDS, async (round) => {
    const order = round % 2 === 0 ? (['none', 'three'] as const) : (['three', 'none'] as const);
    const frames = { none: 0, three: 0 };
    for (const side of order) frames[side] = (await startOnce(dir, homes[side])).firstFrameMs;
    if (round < 0) return;
    none.push(frames.none);
    three.push(frames.three);
    excess.push(frames.three - frameTarget(frames.none));
  });
  return { none: median(none), three: median(three), excess: median(excess) };
}

/** "≤ 1.1 × none + 10 ms". */
function frameTarget(none: number): number {
  return none * 1.1 + 10;
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
    const { none, three, excess } = await firstFrames(dir);
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
          value: `${formatMs(three)} (none: ${formatMs(none)}; median of ${FRAME_ROUNDS} paired rounds ${formatMs(Math.abs(excess))} ${excess <= 0 ? 'under' : 'over'} the target)`,
          // No figure from the medians here: the verdict is per round, and the two could disagree on a close call.
          target: '≤ 1.1 × none + 10 ms, per round',
          isMet: excess <= 0,
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
