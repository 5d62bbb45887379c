import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgentTools } from '../../src/agent/create-agent';
import { runAgent } from '../../src/agent/loop';
import { collect, ofType } from '../helpers/collect';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

describe('research_codebase through the shared loop', () => {
  it('runs sub-agents concurrently, batches their reads, nests their nodes and returns their reports', async () => {
    const cwd = await createTempWorkspace({ 'src/auth.ts': 'export const login = 1;\n', 'src/db.ts': 'export const query = 2;\n', 'README.md': '# demo\n' });
    const main = createScriptedModel([
      {
        calls: [
          { toolName: 'research_codebase', input: { question: 'auth' }, id: 'r1' },
          { toolName: 'research_codebase', input: { question: 'db' }, id: 'r2' },
        ],
      },
      { text: 'Summarised.' },
    ]);
    // Each sub-agent: one response with three independent reads (one of them a write it does not have), then a report.
    const research = createScriptedModel((options) => {
      const question = JSON.stringify(options.prompt.find((message) => message.role === 'user'));
      const topic = question.includes('auth') ? 'auth' : 'db';
      const answered = options.prompt.some((message) => message.role === 'tool');
      if (answered) return { text: `report on ${topic}`, delayMs: 50 };
      return {
        delayMs: 50,
        calls: [
          { toolName: 'read_file', input: { path: `src/${topic}.ts` } },
          { toolName: 'grep', input: { pattern: 'export' } },
          { toolName: 'list_dir', input: {} },
          { toolName: 'write_file', input: { path: 'hack.txt', content: 'x' } },
        ],
      };
    });
    const tools = createAgentTools({ cwd, model: main, researchModel: research });
    const nodes = await collect(
      runAgent({
        model: main,
        instructions: 'main',
        messages: [{ role: 'user', content: 'research both' }],
        tools,
        signal: new AbortController().signal,
        requestApproval: async () => ({ type: 'deny' }),
      }),
    );

    expect(ofType(nodes, 'run-end').find((node) => node.agentId === 'main')).toMatchObject({ reason: 'done', text: 'Summarised.' });
    for (const id of ['r1', 'r2']) {
      const own = nodes.filter((node) => node.agentId === `research:${id}`);
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((node) => node.parentToolCallId === id)).toBe(true);
      // Its three reads ran as one batch: every start came before the first end.
      const types = own.filter((node) => node.type === 'tool-call-start' || node.type === 'tool-call-end').map((node) => node.type);
      expect(types).toEqual(['tool-call-start', 'tool-call-start', 'tool-call-start', 'tool-call-end', 'tool-call-end', 'tool-call-end']);
      // The sub-agent has no write tools: its write was an invalid call, answered with an error.
      expect(ofType(own, 'tool-call-invalid').map((node) => node.toolName)).toEqual(['write_file']);
    }
    // The two sub-agents overlapped: both started before either ended.
    const starts = ofType(nodes, 'run-start').filter((node) => node.agentId !== 'main').map((node) => nodes.indexOf(node));
    const ends = ofType(nodes, 'run-end').filter((node) => node.agentId !== 'main').map((node) => nodes.indexOf(node));
    expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
    // The reports came back to the main model as the research calls' results.
    const results = main.doStreamCalls[1]!.prompt.flatMap((message) => (message.role === 'tool' ? message.content : []));
    expect(results.map((part) => part.type === 'tool-result' && [part.toolCallId, part.output])).toEqual([
      ['r1', { type: 'text', value: 'report on auth' }],
      ['r2', { type: 'text', value: 'report on db' }],
    ]);
  });
});

describe('research calls with ids a server reuses from step to step', () => {
  it('gives each sub-agent its own id, so both reports arrive and the state folds cleanly', async () => {
    const { initialSessionState, reduce } = await import('../../src/state/reducer');
    const cwd = await createTempWorkspace({ 'a.ts': 'export const a = 1;\n' });
    const main = createScriptedModel([
      { calls: [{ toolName: 'research_codebase', input: { question: 'first' }, id: 'call_0' }] },
      { calls: [{ toolName: 'research_codebase', input: { question: 'second' }, id: 'call_0' }] },
      { text: 'Both done.' },
    ]);
    const research = createScriptedModel((options) => ({ text: `report: ${JSON.stringify(options.prompt.find((message) => message.role === 'user')).includes('first') ? 'first' : 'second'}` }));
    const nodes = await collect(
      runAgent({
        model: main,
        instructions: 'main',
        messages: [{ role: 'user', content: 'research twice' }],
        tools: createAgentTools({ cwd, model: main, researchModel: research }),
        signal: new AbortController().signal,
        requestApproval: async () => ({ type: 'deny' }),
      }),
    );
    const agents = ofType(nodes, 'run-start').map((node) => node.agentId);
    expect(agents).toEqual(['main', 'research:call_0', 'research:call_0#2']);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.output)).toEqual(['report: first', 'report: second']);
    let state = reduce(initialSessionState, { type: 'turn-start', prompt: 'research twice', time: 0 });
    for (const node of nodes) state = reduce(state, node);
    expect(state.problems).toEqual([]);
  });

  it('runs sub-agents on the main model the user switched to, unless research has a model of its own', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': 'export const a = 1;\n' });
    const first = createScriptedModel(() => ({ text: 'from the first model' }));
    const second = createScriptedModel(() => ({ text: 'from the second model' }));
    let current = first;
    const tools = createAgentTools({ cwd, model: first, currentModel: () => ({ model: current }) });
    const ask = async (question: string) => {
      const main = createScriptedModel([{ calls: [{ toolName: 'research_codebase', input: { question } }] }, { text: 'done' }]);
      const nodes = await collect(runAgent({ model: main, instructions: 'main', messages: [{ role: 'user', content: question }], tools, signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }) }));
      return ofType(nodes, 'tool-call-end').map((node) => node.output);
    };
    expect(await ask('before the switch')).toEqual(['from the first model']);
    current = second;
    expect(await ask('after the switch')).toEqual(['from the second model']);

    const own = createScriptedModel(() => ({ text: 'from the research model' }));
    const withOwn = createAgentTools({ cwd, model: first, researchModel: own, currentModel: () => ({ model: second }) });
    const main = createScriptedModel([{ calls: [{ toolName: 'research_codebase', input: { question: 'q' } }] }, { text: 'done' }]);
    const nodes = await collect(runAgent({ model: main, instructions: 'main', messages: [{ role: 'user', content: 'q' }], tools: withOwn, signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }) }));
    expect(ofType(nodes, 'tool-call-end').map((node) => node.output)).toEqual(['from the research model']);
  });

  it('gives research sub-agents the root AGENTS.md as it is when each starts', async () => {
    const cwd = await createTempWorkspace({ 'AGENTS.md': 'Tests run with make check.\n' });
    const research = createScriptedModel(() => ({ text: 'report' }));
    const tools = createAgentTools({ cwd, model: research, researchModel: research });
    const ask = async () => {
      const main = createScriptedModel([{ calls: [{ toolName: 'research_codebase', input: { question: 'how are tests run?' } }] }, { text: 'done' }]);
      await collect(runAgent({ model: main, instructions: 'main', messages: [{ role: 'user', content: 'q' }], tools, signal: new AbortController().signal, requestApproval: async () => ({ type: 'deny' }) }));
      return JSON.stringify(research.doStreamCalls.at(-1)!.prompt.filter((message) => message.role === 'system'));
    };
    expect(await ask()).toContain('## Project instructions (AGENTS.md)\\nTests run with make check.');
    await writeFile(path.join(cwd, 'AGENTS.md'), 'Tests run with pnpm test.\n');
    expect(await ask()).toContain('Tests run with pnpm test.');
  });
});
