import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerUnasked, type ApprovalMode, type ApprovalRequest } from '../../../src/agent/calls/approval';
import type { AgentNode } from '../../../src/agent/nodes';
import { createAgentTools, type AgentSetup } from '../../../src/agent/create-agent';
import { runAgent } from '../../../src/agent/loop';
import { loadAgentSet } from '../../../src/config/agents';
import { createModel } from '../../../src/models/model';
import { collect, ofType, phasesOf } from '../../helpers/collect';
import { createFakeTool } from '../../helpers/fake-tools';
import { startOpenAIServer } from '../../helpers/openai-server';
import { startResponsesServer } from '../../helpers/responses-server';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

/** A workspace with `agents` as the user's own agent files (name -> file text) in a config folder beside it. */
async function workspaceWithAgents(agents: Record<string, string>, files: Record<string, string> = {}) {
  const root = await createTempWorkspace({
    ...Object.fromEntries(Object.entries(files).map(([name, text]) => [`repo/${name}`, text])),
    ...Object.fromEntries(Object.entries(agents).map(([name, text]) => [`config/agents/${name}.md`, text])),
    'repo/.keep': '',
  });
  const set = await loadAgentSet({ configDir: path.join(root, 'config'), configDisplay: '~/.config/shoal', project: [] });
  return { cwd: path.join(root, 'repo'), agents: set.agents, notes: set.notes };
}

const toolNames = (body: Record<string, any>) => (body.tools ?? []).map((tool: { function: { name: string } }) => tool.function.name);

describe("the user's own agents, run through research_codebase", () => {
  it('sends a loopback model the agent file\'s prompt and only the tools the file names', async () => {
    const { cwd, agents } = await workspaceWithAgents(
      {
        reviewer: '---\nname: reviewer\ndescription: Reviews a change for bugs\ntools: read_file, grep\nmodel: inherit\n---\nYou are PROMPT-REVIEWER-7: list every bug you find.\n',
      },
      { 'src/a.ts': 'export const a = 1; // TODO\n' },
    );
    const isSubAgent = (body: Record<string, any>) => JSON.stringify(body.messages[0]).includes('PROMPT-REVIEWER-7');
    const server = await startOpenAIServer((body) => {
      if (isSubAgent(body)) {
        const answered = body.messages.some((message: { role: string }) => message.role === 'tool');
        return answered ? { text: 'One TODO in src/a.ts:1.' } : { toolCalls: [{ id: 'g1', name: 'grep', arguments: '{"pattern":"TODO"}' }] };
      }
      const answered = body.messages.some((message: { role: string }) => message.role === 'tool');
      return answered
        ? { text: 'The reviewer found one TODO.' }
        : { toolCalls: [{ id: 'r1', name: 'research_codebase', arguments: '{"question":"review src","agent":"reviewer"}' }] };
    });
    const { model, providerOptions } = await createModel({ model: 'test-model', baseUrl: server.baseUrl, apiKey: 'k', api: 'chat' });
    const tools = createAgentTools({ cwd, model, providerOptions, agents, maxRetries: 0 });
    const nodes = await collect(
      runAgent({ model, providerOptions, instructions: 'main', messages: [{ role: 'user', content: 'review' }], tools, signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }), maxRetries: 0 }),
    );

    expect(ofType(nodes, 'run-end').find((node) => node.agentId === 'main')).toMatchObject({ reason: 'done', text: 'The reviewer found one TODO.' });
    const main = server.requests.filter((body) => !isSubAgent(body));
    const sub = server.requests.filter(isSubAgent);
    expect(sub).toHaveLength(2);
    // The sub-agent's request: its own prompt first as the system message, and exactly its two tools.
    expect(sub[0]!.messages[0].role).toBe('system');
    expect(sub[0]!.messages[0].content.startsWith('You are PROMPT-REVIEWER-7')).toBe(true);
    expect(sub[0]!.messages[1]).toMatchObject({ role: 'user', content: 'review src' });
    expect(toolNames(sub[0]!)).toEqual(['read_file', 'grep']);
    expect(toolNames(sub[1]!)).toEqual(['read_file', 'grep']);
    // Its grep ran in the workspace and its report came back as the call's result.
    const grepEnd = ofType(nodes, 'tool-call-end').find((node) => node.toolName === 'grep')!;
    expect(grepEnd).toMatchObject({ agentId: 'reviewer:r1', status: 'ok' });
    expect(grepEnd.output).toContain('src/a.ts');
    const result = main[1]!.messages.find((message: { role: string }) => message.role === 'tool');
    expect(result).toMatchObject({ tool_call_id: 'r1', content: 'One TODO in src/a.ts:1.' });
    // The main model is offered the agent by name, with its description, as a choice of research_codebase.
    const research = main[0]!.tools.find((tool: { function: { name: string } }) => tool.function.name === 'research_codebase').function;
    expect(research.parameters.properties.agent.enum).toEqual(['reviewer']);
    expect(research.description).toContain('- reviewer: Reviews a change for bugs (tools: read_file, grep; read-only');
    // The panel row names the agent.
    expect(ofType(nodes, 'tool-call-start').find((node) => node.toolCallId === 'r1')).toMatchObject({ phase: 'research', description: 'reviewer: review src' });
  });

  it('runs two read-only agents concurrently in the research phase', async () => {
    const agent = (name: string) => `---\nname: ${name}\ndescription: Looks into ${name}\ntools: [Read, Glob]\n---\nYou are the ${name} agent.\n`;
    const { cwd, agents } = await workspaceWithAgents({ alpha: agent('alpha'), beta: agent('beta') });
    const main = createScriptedModel([
      {
        calls: [
          { toolName: 'research_codebase', input: { question: 'a', agent: 'alpha' }, id: 'c1' },
          { toolName: 'research_codebase', input: { question: 'b', agent: 'beta' }, id: 'c2' },
        ],
      },
      { text: 'done' },
    ]);
    const model = createScriptedModel((options) => {
      const name = String(options.prompt[0]!.content).includes('alpha') ? 'alpha' : 'beta';
      return { text: `report of ${name}`, delayMs: 150 };
    });
    const tools = createAgentTools({ cwd, model, agents });
    const nodes = await collect(
      runAgent({ model: main, instructions: 'main', messages: [{ role: 'user', content: 'go' }], tools, signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }) }),
    );

    expect(phasesOf(nodes).filter((phase) => phase.agentId === 'main')).toMatchObject([{ phase: 'research', calls: [{ toolCallId: 'c1' }, { toolCallId: 'c2' }] }]);
    const starts = ofType(nodes, 'run-start').filter((node) => node.agentId !== 'main').map((node) => nodes.indexOf(node));
    const ends = ofType(nodes, 'run-end').filter((node) => node.agentId !== 'main').map((node) => nodes.indexOf(node));
    expect(starts).toHaveLength(2);
    expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
    // Each ran with its own prompt and Claude Code's Read and Glob as shoal's read_file and glob.
    for (const call of model.doStreamCalls) expect(call.tools?.map((tool) => tool.name)).toEqual(['read_file', 'glob']);
    const prompts = model.doStreamCalls.map((call) => String(call.prompt[0]!.content).split('\n')[0]);
    expect(prompts.sort()).toEqual(['You are the alpha agent.', 'You are the beta agent.']);
  });
});

describe('a user agent with write tools', () => {
  const writer = '---\nname: scribe\ndescription: Writes notes\ntools: Read, Write\n---\nYou are the scribe.\n';
  const script = () => {
    const main = createScriptedModel([
      { calls: [{ toolName: 'research_codebase', input: { question: 'write the notes', agent: 'scribe' }, id: 'w1' }] },
      { text: 'done' },
    ]);
    const sub = createScriptedModel([
      { calls: [{ toolName: 'write_file', input: { path: 'notes.md', content: '# notes\n' }, id: 'f1' }] },
      { text: 'wrote notes.md' },
    ]);
    return { main, sub };
  };
  /** One turn of the main agent calling the scribe; the user, when asked, says yes, and is asked only where the TUI would ask. */
  const run = async (options: { isPlanning: boolean; frontMatter?: string; mode?: ApprovalMode }) => {
    const { cwd, agents } = await workspaceWithAgents({ scribe: options.frontMatter ? writer.replace('---\nYou', `${options.frontMatter}\n---\nYou`) : writer });
    const { main, sub } = script();
    const asked: ApprovalRequest[] = [];
    const setup: AgentSetup = { cwd, model: sub, agents };
    const nodes = await collect(
      runAgent({
        model: main,
        instructions: 'main',
        messages: [{ role: 'user', content: 'go' }],
        tools: createAgentTools(setup),
        signal: new AbortController().signal,
        requestApproval: async (request) => {
          const unasked = answerUnasked({ mode: options.mode ?? 'ask', request, sessionAllowed: new Set() });
          if (unasked) return unasked;
          asked.push(request);
          return { type: 'allow' };
        },
        isPlanning: () => options.isPlanning,
      }),
    );
    const written = await readFile(path.join(cwd, 'notes.md'), 'utf8').catch(() => undefined);
    return { cwd, nodes, asked, sub, written, agents };
  };
  const writeEnd = (nodes: AgentNode[]) => ofType(nodes, 'tool-call-end').find((node) => node.toolName === 'write_file');

  it('runs in the write phase, and its write asks for approval through the same callback (the agent call itself does not)', async () => {
    const { cwd, nodes, asked, sub } = await run({ isPlanning: false });
    expect(phasesOf(nodes).filter((phase) => phase.agentId === 'main')).toMatchObject([{ phase: 'write', calls: [{ toolCallId: 'w1' }] }]);
    expect(asked.map((request) => [request.agentId, request.toolName, request.preview?.type])).toEqual([['scribe:w1', 'write_file', 'diff']]);
    expect(await readFile(path.join(cwd, 'notes.md'), 'utf8')).toBe('# notes\n');
    expect(sub.doStreamCalls[0]!.tools?.map((tool) => tool.name)).toEqual(['read_file', 'write_file']);
    expect(String(sub.doStreamCalls[0]!.prompt[0]!.content)).toContain('Every write and command you make is shown to the user for approval');
  });

  it('is refused its writes in plan mode, without a question, and nothing is written', async () => {
    const { cwd, nodes, asked } = await run({ isPlanning: true });
    expect(asked).toEqual([]);
    expect(ofType(nodes, 'tool-call-end').find((node) => node.toolName === 'write_file')).toMatchObject({ agentId: 'scribe:w1', status: 'denied', summary: 'not run: plan mode' });
    await expect(readFile(path.join(cwd, 'notes.md'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('with permissionMode plan, is refused its writes unasked while the session is not planning, and is told it plans', async () => {
    const { nodes, asked, written, sub } = await run({ isPlanning: false, frontMatter: 'permissionMode: plan' });
    expect(asked).toEqual([]);
    expect(writeEnd(nodes)).toMatchObject({ status: 'denied', summary: 'not run: plan mode' });
    expect(written).toBeUndefined();
    expect(String(sub.doStreamCalls[0]!.prompt[0]!.content)).toContain('You are planning: your writes and commands will not run.');
  });

  it('with permissionMode dontAsk, has a write the session would ask about denied without a question', async () => {
    const { nodes, asked, written } = await run({ isPlanning: false, frontMatter: 'permissionMode: dontAsk' });
    expect(asked).toEqual([]);
    expect(writeEnd(nodes)).toMatchObject({ status: 'denied', output: expect.stringContaining('agent scribe runs with permissionMode dontAsk') });
    expect(written).toBeUndefined();
    // What the session allows still runs.
    expect((await run({ isPlanning: false, frontMatter: 'permissionMode: dontAsk', mode: 'auto-edit' })).written).toBe('# notes\n');
  });

  it("with permissionMode acceptEdits in the user's own file, writes unasked under ask; the session's plan mode still wins", async () => {
    const accepted = await run({ isPlanning: false, frontMatter: 'permissionMode: acceptEdits' });
    expect(accepted.asked).toEqual([]);
    expect(accepted.written).toBe('# notes\n');
    const planning = await run({ isPlanning: true, frontMatter: 'permissionMode: bypassPermissions' });
    expect(planning.written).toBeUndefined();
    expect(writeEnd(planning.nodes)).toMatchObject({ status: 'denied', summary: 'not run: plan mode' });
  });

  it('stops after maxTurns steps', async () => {
    const { nodes, sub } = await run({ isPlanning: false, frontMatter: 'maxTurns: 1' });
    expect(sub.doStreamCalls).toHaveLength(1);
    expect(ofType(nodes, 'run-start').find((node) => node.agentId === 'scribe:w1')).toMatchObject({ maxSteps: 1 });
  });
});

describe('a user agent with Bash(…) entries', () => {
  it('runs a command its entries allow, after asking, and refuses any other before anyone is asked', async () => {
    const { cwd, agents } = await workspaceWithAgents(
      { gitter: '---\nname: gitter\ndescription: Echoes\ntools: Read, Bash(echo:*)\n---\nYou echo.\n' },
      { 'keep.txt': 'kept\n' },
    );
    const main = createScriptedModel([
      { calls: [{ toolName: 'research_codebase', input: { question: 'echo it', agent: 'gitter' }, id: 'g1' }] },
      { text: 'done' },
    ]);
    const sub = createScriptedModel([
      { calls: [{ toolName: 'bash', input: { command: 'rm -f keep.txt' }, id: 'b1' }] },
      { calls: [{ toolName: 'bash', input: { command: 'echo; rm -f keep.txt' }, id: 'b2' }] },
      { calls: [{ toolName: 'bash', input: { command: 'echo hello' }, id: 'b3' }] },
      { text: 'echoed' },
    ]);
    const asked: ApprovalRequest[] = [];
    const nodes = await collect(
      runAgent({
        model: main,
        instructions: 'main',
        messages: [{ role: 'user', content: 'go' }],
        tools: createAgentTools({ cwd, model: sub, agents }),
        signal: new AbortController().signal,
        requestApproval: async (request) => {
          asked.push(request);
          return { type: 'allow' };
        },
      }),
    );
    expect(asked.map((request) => (request.preview?.type === 'command' ? request.preview.command : request.toolName))).toEqual(['echo hello']);
    const ends = ofType(nodes, 'tool-call-end').filter((node) => node.toolName === 'bash');
    expect(ends.map((node) => [node.toolCallId, node.status])).toEqual([['b1', 'error'], ['b2', 'error'], ['b3', 'ok']]);
    expect(ends[0]!.output).toContain('Not run: agent gitter may run only commands its file allows (Bash(echo:*))');
    expect(await readFile(path.join(cwd, 'keep.txt'), 'utf8')).toBe('kept\n');
    expect(String(sub.doStreamCalls[0]!.prompt[0]!.content)).toContain('Your tools: read_file, bash (only Bash(echo:*))');
  });
});

describe("a user agent's model and MCP tools", () => {
  it('runs on the model its file names, built with the session\'s provider settings, and gets only the MCP tools it names (read-only ones for a read-only agent)', async () => {
    const { cwd, agents } = await workspaceWithAgents({
      docs: '---\nname: docs\ndescription: Searches the docs\ntools: mcp__docs__search, mcp__docs__publish, mcp__other__search\nmodel: small-model\n---\nYou are DOCS.\n',
    });
    const server = await startOpenAIServer((body) => (body.model === 'small-model' ? { text: 'found it' } : body.messages.some((message: { role: string }) => message.role === 'tool') ? { text: 'done' } : { toolCalls: [{ id: 'd1', name: 'research_codebase', arguments: '{"question":"q","agent":"docs"}' }] }));
    const build = (id: string) => createModel({ model: id, baseUrl: server.baseUrl, apiKey: 'k', api: 'chat' });
    const { model, providerOptions } = await build('main-model');
    const mcpTools = [createFakeTool({ name: 'mcp__docs__search', kind: 'read-only' }), createFakeTool({ name: 'mcp__docs__publish', kind: 'write' }), createFakeTool({ name: 'mcp__docs__other', kind: 'read-only' })];
    const tools = createAgentTools({ cwd, model, providerOptions, agents, maxRetries: 0, createModel: build, mcp: { tools: () => mcpTools } });
    const nodes = await collect(
      runAgent({ model, providerOptions, instructions: 'main', messages: [{ role: 'user', content: 'go' }], tools, signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }), maxRetries: 0 }),
    );

    expect(ofType(nodes, 'run-end').find((node) => node.agentId === 'main')).toMatchObject({ reason: 'done' });
    const sub = server.requests.filter((body) => body.model === 'small-model');
    expect(sub).toHaveLength(1);
    expect(toolNames(sub[0]!)).toEqual(['mcp__docs__search']);
    expect(server.requests.filter((body) => body.model === 'main-model')).toHaveLength(2);
  });
});

describe("a user agent over OpenAI's Responses API", () => {
  it("sends the agent's prompt as the request's instructions and only its tools as function tools", async () => {
    const { cwd, agents } = await workspaceWithAgents({ reviewer: '---\nname: reviewer\ndescription: Reviews\ntools: Read, Grep\n---\nYou are PROMPT-RESPONSES-3.\n' });
    const isSubAgent = (body: Record<string, any>) => JSON.stringify(body.instructions ?? body.input?.[0] ?? '').includes('PROMPT-RESPONSES-3');
    const server = await startResponsesServer((body) => {
      if (isSubAgent(body)) return { text: 'reviewed' };
      const answered = body.input.some((item: { type?: string }) => item.type === 'function_call_output');
      return answered ? { text: 'done' } : { toolCalls: [{ callId: 'call_r', name: 'research_codebase', arguments: '{"question":"review","agent":"reviewer"}' }] };
    });
    const { model, providerOptions } = await createModel({ model: 'gpt-5.4', baseUrl: server.baseUrl, apiKey: 'k', api: 'responses' });
    const tools = createAgentTools({ cwd, model, providerOptions, agents, maxRetries: 0 });
    const nodes = await collect(
      runAgent({ model, providerOptions, instructions: 'main', messages: [{ role: 'user', content: 'go' }], tools, signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }), maxRetries: 0 }),
    );

    expect(ofType(nodes, 'run-end').find((node) => node.agentId === 'main')).toMatchObject({ reason: 'done', text: 'done' });
    const sub = server.requests.filter(isSubAgent);
    expect(sub).toHaveLength(1);
    const system = sub[0]!.instructions ?? sub[0]!.input[0].content;
    expect(String(system).startsWith('You are PROMPT-RESPONSES-3.')).toBe(true);
    expect(sub[0]!.tools.map((tool: { type: string; name: string }) => [tool.type, tool.name])).toEqual([
      ['function', 'read_file'],
      ['function', 'grep'],
    ]);
    const output = server.requests.at(-1)!.input.find((item: { type?: string }) => item.type === 'function_call_output');
    expect(output).toMatchObject({ call_id: 'call_r', output: 'reviewed' });
  });
});
