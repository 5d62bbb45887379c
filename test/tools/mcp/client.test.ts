import { afterEach, describe, expect, it, vi } from 'vitest';
import { expandMcpServer } from '../../../src/config/mcp-expansion';
import { createAgentTools } from '../../../src/agent/create-agent';
import { createMcpManager, type McpEvent, type McpManager, type McpServerSpec } from '../../../src/tools/mcp/client';
import { mcpToolName } from '../../../src/tools/mcp/names';
import type { ShoalTool } from '../../../src/tools/types';
import { createScriptedModel } from '../../helpers/scripted-model';
import { closedPortUrl, startHttpTestServer, startSseTestServer, stdioTestServer, TEST_SERVER_SCRIPT } from '../../helpers/mcp-servers';

const managers: McpManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});

async function started(servers: Record<string, McpServerSpec>, options: Partial<Parameters<typeof createMcpManager>[0]> = {}) {
  const manager = createMcpManager({ servers, cwd: process.cwd(), ...options });
  managers.push(manager);
  manager.start();
  await manager.settled();
  return manager;
}

function toolOf(manager: McpManager, name: string): ShoalTool {
  const tool = manager.tools().find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name} among ${manager.tools().map((t) => t.name).join(', ')}`);
  return tool;
}

const context = () => ({ signal: new AbortController().signal, toolCallId: 'c1', batchId: 'b', emit: () => {} });

describe('MCP servers', () => {
  it('lists a stdio server’s tools, namespaced, read-only only where annotated', async () => {
    const manager = await started({ srv: stdioTestServer() });
    expect(manager.servers()[0]!.state).toEqual({ status: 'ready' });
    expect(toolOf(manager, 'mcp__srv__lookup').kind).toBe('read-only');
    expect(toolOf(manager, 'mcp__srv__create_issue').kind).toBe('write');
    expect(toolOf(manager, 'mcp__srv__lookup').jsonSchema).toMatchObject({ type: 'object', properties: { key: { type: 'string' } } });
    const result = await toolOf(manager, 'mcp__srv__lookup').execute({ key: 'a' }, context());
    expect(result.output).toBe('value of a');
  });

  it('speaks streamable HTTP', async () => {
    const manager = await started({ web: await startHttpTestServer() });
    expect(manager.servers()[0]!.state).toEqual({ status: 'ready' });
    const result = await toolOf(manager, 'mcp__web__lookup').execute({ key: 'b' }, context());
    expect(result.output).toBe('value of b');
  });

  it('previews a write tool with its server, tool name and whole input', async () => {
    const manager = await started({ srv: stdioTestServer() });
    const tool = toolOf(manager, 'mcp__srv__create_issue');
    expect(await tool.preview!({ title: 'x'.repeat(500) })).toEqual({ type: 'tool-input', server: 'srv', tool: 'create_issue', input: { title: 'x'.repeat(500) } });
  });

  it('describes images instead of sending their bytes, and turns isError into a thrown error', async () => {
    const manager = await started({ srv: stdioTestServer() });
    const result = await toolOf(manager, 'mcp__srv__picture').execute({}, context());
    expect(result.output).toBe('a red square\n[image image/png, 2.9 KiB]');
    await expect(toolOf(manager, 'mcp__srv__failing').execute({}, context())).rejects.toThrow('no such key');
  });

  it('marks a server that fails to start as failed, with its stderr, and keeps the others', async () => {
    const manager = await started({ bad: stdioTestServer({ MCP_TEST_FAIL_START: '1' }), good: stdioTestServer() });
    const [bad, good] = manager.servers();
    expect(bad!.state.status).toBe('failed');
    expect(bad!.state.status === 'failed' && bad!.state.reason).toContain('missing TEST_TOKEN');
    expect(good!.state.status).toBe('ready');
  });

  it('fails a call whose server crashes mid-call, and every later call, with a message for the model', async () => {
    const manager = await started({ srv: stdioTestServer() });
    const lookup = toolOf(manager, 'mcp__srv__lookup');
    await expect(toolOf(manager, 'mcp__srv__crash').execute({}, context())).rejects.toThrow(/MCP server srv is not running/);
    await expect(lookup.execute({ key: 'a' }, context())).rejects.toThrow(/MCP server srv is not running: .*boom/);
    expect(manager.servers()[0]!.state.status).toBe('failed');
  });

  it('times out a hanging call, and an aborted call ends at once', async () => {
    const manager = await started({ srv: stdioTestServer() }, { callTimeoutMs: 300 });
    const hang = toolOf(manager, 'mcp__srv__hang');
    await expect(hang.execute({}, context())).rejects.toThrow('hang on MCP server srv timed out after 300 ms');
    const controller = new AbortController();
    const running = hang.execute({}, { ...context(), signal: controller.signal });
    controller.abort(new Error('Interrupted'));
    await expect(running).rejects.toThrow();
  });

  it('fails a server that does not answer within the start timeout, without hanging', async () => {
    // A process that never speaks MCP: `node -e` waiting forever.
    const marker = `mute-${process.pid}-${Date.now()}`;
    const manager = await started({ mute: { command: process.execPath, args: ['-e', `setInterval(() => {}, 1000) // ${marker}`] } }, { startTimeoutMs: 500 });
    const state = manager.servers()[0]!.state;
    expect(state.status === 'failed' && state.reason).toMatch(/did not start within/);
    // The server that never answered is stopped with its failure, not left running for good.
    const { execFileSync } = await import('node:child_process');
    const isRunning = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(marker);
    for (const deadline = Date.now() + 15_000; isRunning() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isRunning()).toBe(false);
  });

  it('makes names the providers accept, whatever the server calls things', () => {
    expect(mcpToolName('my server', 'get.thing')).toBe('mcp__my_server__get_thing');
    const long = mcpToolName('s'.repeat(40), 't'.repeat(40));
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(long).not.toBe(mcpToolName('s'.repeat(40), `${'t'.repeat(39)}u`));
  });

  it('starts a stdio server with ${VAR} and ${VAR:-default} expanded, while /mcp shows what was written', async () => {
    const script = TEST_SERVER_SCRIPT;
    const env = { SHOAL_TEST_NODE: process.execPath, SHOAL_TEST_HOME: '/home/x', SHOAL_TEST_EMPTY: '' };
    const written = {
      command: '${SHOAL_TEST_NODE}',
      args: [script, '--home=${SHOAL_TEST_HOME}', '${SHOAL_TEST_UNSET:-fallback}', '$SHOAL_TEST_HOME'],
      env: { MCP_TEST_TOKEN: 'tok-${SHOAL_TEST_HOME}', MCP_TEST_EMPTY: '${SHOAL_TEST_EMPTY:-unused}', MCP_TEST_URL: '${SHOAL_TEST_UNSET:-http://a:-b}' },
    };
    const manager = await started({ srv: written }, { resolve: (spec) => expandMcpServer(spec, env) });
    const result = await toolOf(manager, 'mcp__srv__started_with').execute({}, context());
    expect(JSON.parse(result.output)).toEqual({
      args: ['--home=/home/x', 'fallback', '$SHOAL_TEST_HOME'],
      env: { MCP_TEST_TOKEN: 'tok-/home/x', MCP_TEST_EMPTY: '', MCP_TEST_URL: 'http://a:-b' },
    });
    expect(manager.servers()[0]!.target).toBe(`\${SHOAL_TEST_NODE} ${script} --home=\${SHOAL_TEST_HOME} \${SHOAL_TEST_UNSET:-fallback} $SHOAL_TEST_HOME`);
  });

  it('fails a server whose config names an unset variable with one line, and starts the others', async () => {
    const manager = await started(
      { github: { ...stdioTestServer(), env: { GITHUB_TOKEN: '${SHOAL_TEST_UNSET_TOKEN}' } }, other: stdioTestServer() },
      { resolve: (spec) => expandMcpServer(spec, {}) },
    );
    const [github, other] = manager.servers();
    expect(github!.state).toEqual({ status: 'failed', reason: '${SHOAL_TEST_UNSET_TOKEN} is not set' });
    expect(other!.state).toEqual({ status: 'ready' });
    expect((await toolOf(manager, 'mcp__other__lookup').execute({ key: 'a' }, context())).output).toBe('value of a');
  });

  it('falls back to SSE for a URL without a type whose server refuses streamable HTTP, and never for "type": "http"', async () => {
    const old = await startSseTestServer();
    const manager = await started({ old, strict: { ...old, type: 'http' } });
    const [fallen, strict] = manager.servers();
    expect(fallen!.state).toEqual({ status: 'ready' });
    expect((await toolOf(manager, 'mcp__old__lookup').execute({ key: 'c' }, context())).output).toBe('value of c');
    expect(strict!.state).toEqual({
      status: 'failed',
      reason: 'the server answered 404 over streamable HTTP (Error POSTing to endpoint: Not Found); if it is an older SSE server, set "type": "sse"',
    });
    expect(manager.tools().some((tool) => tool.name.startsWith('mcp__strict__'))).toBe(false);
  });

  it('says why a URL failed both ways, and tries no SSE where nothing answers', async () => {
    const old = await startSseTestServer();
    const manager = await started({ lost: { url: `${new URL(old.url).origin}/nothing` }, refused: { url: await closedPortUrl() } });
    const [lost, refused] = manager.servers();
    expect(lost!.state.status === 'failed' && lost!.state.reason).toBe(
      'the server answered 404 over streamable HTTP (Error POSTing to endpoint: Not Found), and over SSE: SSE error: Non-200 status code (404)',
    );
    expect(refused!.state.status === 'failed' && refused!.state.reason).toMatch(/^fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('lists a server’s tools again when it says they changed, for the next model step and /mcp', async () => {
    const manager = await started({ srv: stdioTestServer() });
    const registry = createAgentTools({ cwd: process.cwd(), model: createScriptedModel([]), mcp: manager });
    const events: McpEvent[] = [];
    manager.subscribe((event) => events.push(event));
    const names = () => manager.tools().map((tool) => tool.name);
    expect(names()).not.toContain('mcp__srv__late');
    await toolOf(manager, 'mcp__srv__change_tools').execute({ add: 'late', remove: 'picture' }, context());
    await vi.waitFor(() => expect(names()).toContain('mcp__srv__late'), { timeout: 20_000 });
    expect(names()).not.toContain('mcp__srv__picture');
    expect((await toolOf(manager, 'mcp__srv__late').execute({}, context())).output).toBe('late was added');
    expect(registry().get('mcp__srv__late')).toBeDefined();
    expect(manager.servers()[0]!.tools.map((tool) => tool.name)).toEqual(names());
    expect(events).toEqual([{ type: 'tools-changed', server: 'srv', toolCount: names().length }]);
  });
});
