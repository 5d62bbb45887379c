import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createPolicyApproval } from '../../src/agent/calls/approval';
import { createAgentTools } from '../../src/agent/create-agent';
import { runAgent } from '../../src/agent/loop';
import type { AgentNode } from '../../src/agent/nodes';
import { runHeadless } from '../../src/cli/headless';
import { createMcpManager, type McpManager, type McpServerSpec } from '../../src/tools/mcp/client';
import { collect, phasesOf } from '../helpers/collect';
import { startHttpTestServer, stdioTestServer } from '../helpers/mcp-servers';
import { createScriptedModel, type ScriptedStep } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const managers: McpManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});

function manager(servers: Record<string, McpServerSpec>, options: { startTimeoutMs?: number } = {}): McpManager {
  const created = createMcpManager({ servers, cwd: process.cwd(), ...options });
  managers.push(created);
  return created;
}

async function headless(options: { servers: Record<string, McpServerSpec>; steps: ScriptedStep[]; allow?: string[] }) {
  const cwd = await createTempWorkspace({ 'notes.txt': 'one\ntwo\n' });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const nodes: AgentNode[] = [];
  stdout.on('data', () => {});
  const format = 'stream-json' as const;
  const code = await runHeadless({
    setup: { cwd, model: createScriptedModel(options.steps) },
    prompt: 'go',
    outputFormat: format,
    requestApproval: createPolicyApproval({ allowedTools: new Set(options.allow ?? []), deniedFeedback: 'denied in headless' }),
    signal: new AbortController().signal,
    stdout,
    stderr,
    mcp: manager(options.servers),
  });
  for (const line of out.trim().split('\n')) nodes.push(JSON.parse(line) as AgentNode);
  const ends = nodes.filter((node): node is Extract<AgentNode, { type: 'tool-call-end' }> => node.type === 'tool-call-end');
  return { code, err, nodes, endOf: (toolName: string) => ends.find((node) => node.toolName === toolName) };
}

describe('MCP tools in the agent loop', () => {
  it('runs a read-only MCP call in the same parallel batch as read_file, overlapping in time', async () => {
    const cwd = await createTempWorkspace({ 'notes.txt': 'one\n' });
    const mcp = manager({ srv: await startHttpTestServer() });
    mcp.start();
    await mcp.settled();
    const model = createScriptedModel([
      { calls: [{ toolName: 'mcp__srv__lookup', input: { key: 'k', delayMs: 200 } }, { toolName: 'read_file', input: { path: 'notes.txt' } }] },
      { text: 'done' },
    ]);
    const nodes = await collect(
      runAgent({ model, instructions: 'x', messages: [{ role: 'user', content: 'go' }], tools: createAgentTools({ cwd, model, mcp }), signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }) }),
    );
    const phases = phasesOf(nodes).filter((phase) => phase.agentId === 'main');
    expect(phases).toHaveLength(1);
    expect(phases[0]).toMatchObject({ phase: 'read-only', calls: [{ toolName: 'mcp__srv__lookup' }, { toolName: 'read_file' }] });
    const timeOf = (type: string, toolName: string) => nodes.find((node) => node.type === type && 'toolName' in node && node.toolName === toolName)!.time;
    expect(timeOf('tool-call-start', 'read_file')).toBeLessThan(timeOf('tool-call-end', 'mcp__srv__lookup'));
    expect(timeOf('tool-call-start', 'mcp__srv__lookup')).toBeLessThan(timeOf('tool-call-end', 'read_file'));
    expect(nodes.find((node) => node.type === 'tool-call-end' && node.toolName === 'mcp__srv__lookup')).toMatchObject({ status: 'ok', output: 'value of k' });
    // The model was shown the server's own JSON Schema for the tool.
    const sent = model.doStreamCalls[0]!.tools?.find((tool) => tool.name === 'mcp__srv__lookup');
    expect(sent).toMatchObject({ inputSchema: { type: 'object', properties: { key: { type: 'string' } } } });
  });

  it('gates a tool without readOnlyHint: denied headless, run with --allow naming it', async () => {
    const steps = (): ScriptedStep[] => [{ calls: [{ toolName: 'mcp__srv__create_issue', input: { title: 'bug' } }] }, { text: 'ok' }];
    const denied = await headless({ servers: { srv: stdioTestServer() }, steps: steps() });
    expect(denied.code).toBe(0);
    expect(denied.endOf('mcp__srv__create_issue')).toMatchObject({ status: 'denied' });
    const request = denied.nodes.find((node) => node.type === 'approval-request');
    expect(request).toMatchObject({ preview: { type: 'tool-input', server: 'srv', tool: 'create_issue', input: { title: 'bug' } } });

    const allowed = await headless({ servers: { srv: stdioTestServer() }, steps: steps(), allow: ['mcp__srv__create_issue'] });
    expect(allowed.endOf('mcp__srv__create_issue')).toMatchObject({ status: 'ok', output: 'created issue "bug"' });
  });

  it('gives a crashing server’s call an error result, and the run goes on', async () => {
    const result = await headless({
      servers: { srv: stdioTestServer() },
      steps: [{ calls: [{ toolName: 'mcp__srv__crash', input: {} }, { toolName: 'read_file', input: { path: 'notes.txt' } }] }, { calls: [{ toolName: 'mcp__srv__lookup', input: { key: 'a' } }] }, { text: 'carried on' }],
    });
    expect(result.code).toBe(0);
    expect(result.endOf('mcp__srv__crash')).toMatchObject({ status: 'error', output: expect.stringMatching(/MCP server srv is not running/) });
    expect(result.endOf('read_file')).toMatchObject({ status: 'ok' });
    expect(result.endOf('mcp__srv__lookup')).toMatchObject({ status: 'error', output: expect.stringMatching(/^MCP server srv is not running: the server stopped \(stderr: boom/) });
    expect(result.nodes.at(-1)).toMatchObject({ type: 'run-end', reason: 'done', text: 'carried on' });
  });

  it('says on stderr which server failed to start, escaped, and runs without it', async () => {
    const result = await headless({ servers: { bad: stdioTestServer({ MCP_TEST_FAIL_START: '1' }) }, steps: [{ text: 'fine' }] });
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^shoal: MCP server bad failed: .*missing TEST_TOKEN/m);
  });
});
