import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runHeadless } from '../../src/cli/headless';
import { createPolicyApproval, PLAN_MODE_NOTE } from '../../src/agent/calls/approval';
import { runAgent } from '../../src/agent/loop';
import { findLoosening } from '../../src/config/loosening';
import { initialSessionState, reduce } from '../../src/state/reducer';
import { createRegistry } from '../../src/tools/registry';
import { createUpdatePlanTool } from '../../src/tools/update-plan';
import { collect, ofType } from '../helpers/collect';
import { createFakeTool } from '../helpers/fake-tools';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const plan = [
  { step: 'Read the parser', status: 'completed' },
  { step: 'Fix the off-by-one', status: 'in_progress' },
  { step: 'Run the tests', status: 'pending' },
] as const;

function run(options: { calls: { toolName: string; input: unknown }[]; isPlanning?: boolean; allow?: string[] }) {
  const asked: string[] = [];
  const ran: string[] = [];
  const model = createScriptedModel([{ calls: options.calls }, { text: 'Here is the plan.' }]);
  const tools = createRegistry([
    createUpdatePlanTool(),
    createFakeTool({ name: 'read', kind: 'read-only', onRun: (label) => ran.push(label) }),
    createFakeTool({ name: 'write_file', kind: 'write', onRun: (label) => ran.push(label) }),
  ]);
  const nodes = collect(
    runAgent({
      model,
      instructions: 'test',
      messages: [{ role: 'user', content: 'go' }],
      tools,
      signal: new AbortController().signal,
      requestApproval: async (request) => {
        asked.push(request.toolName);
        return { type: 'allow' };
      },
      ...(options.isPlanning ? { isPlanning: () => true } : {}),
    }),
  );
  return { nodes, asked, ran, model };
}

describe('update_plan', () => {
  it('reports the whole plan as a node the step keeps, and answers the model', async () => {
    const { nodes: pending } = run({ calls: [{ toolName: 'update_plan', input: { explanation: 'Found the bug.', plan } }] });
    const nodes = await pending;
    expect(ofType(nodes, 'plan-update')).toMatchObject([{ agentId: 'main', plan, explanation: 'Found the bug.' }]);
    expect(ofType(nodes, 'tool-call-end')).toMatchObject([{ toolName: 'update_plan', status: 'ok', summary: '1 of 3 done', output: 'Plan updated.' }]);
    const state = nodes.reduce(reduce, reduce(initialSessionState, { type: 'turn-start', prompt: 'go', time: 0 }));
    expect(state.problems).toEqual([]);
    expect(state.turns[0]!.agents.main!.steps[0]!.plan).toEqual({ steps: plan, explanation: 'Found the bug.' });
  });

  it('refuses a plan with two steps in progress, and keeps none of it', async () => {
    const twoActive = plan.map((item) => ({ ...item, status: 'in_progress' }));
    const nodes = await run({ calls: [{ toolName: 'update_plan', input: { plan: twoActive } }] }).nodes;
    expect(ofType(nodes, 'plan-update')).toEqual([]);
    expect(ofType(nodes, 'tool-call-end')[0]).toMatchObject({ status: 'error', output: expect.stringContaining('at most one may be') });
  });
});

describe('plan mode', () => {
  it('runs reads, and neither runs nor asks about a write, even one that would be allowed', async () => {
    const { nodes: pending, asked, ran } = run({
      isPlanning: true,
      calls: [
        { toolName: 'read', input: { label: 'r' } },
        { toolName: 'write_file', input: { label: 'w' } },
      ],
    });
    const nodes = await pending;
    expect(ran).toEqual(['r']);
    expect(asked).toEqual([]);
    expect(ofType(nodes, 'approval-request')).toEqual([]);
    expect(ofType(nodes, 'tool-call-end').find((node) => node.toolName === 'write_file')).toMatchObject({ status: 'denied', summary: 'not run: plan mode' });
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'done', text: 'Here is the plan.' }]);
  });

  it('denies every write headless, even with the tool allowed', async () => {
    const approval = createPolicyApproval({ mode: 'plan', allowedTools: new Set(['write_file', 'bash']), deniedFeedback: 'no' });
    const decision = await approval({ toolCallId: 'c', toolName: 'write_file', input: {}, agentId: 'main' }, new AbortController().signal);
    expect(decision).toMatchObject({ type: 'deny', feedback: expect.stringContaining('plan mode is on') });
  });

  it('is the strictest mode: a project file asking for it loosens nothing, and one leaving it loosens', () => {
    expect(findLoosening({ approvalMode: 'plan' }, { approvalMode: 'ask' })).toEqual([]);
    expect(findLoosening({ approvalMode: 'ask' }, { approvalMode: 'plan' })).toMatchObject([{ key: 'approvalMode' }]);
  });

  it('tells the model it plans, with the prompt, headless', async () => {
    const cwd = await createTempWorkspace();
    const model = createScriptedModel([{ text: 'Step 1: read. Step 2: fix.' }]);
    const stdout = new PassThrough();
    const code = await runHeadless({
      setup: { cwd, model },
      prompt: 'fix the parser',
      outputFormat: 'text',
      isPlanning: true,
      requestApproval: createPolicyApproval({ mode: 'plan', allowedTools: new Set(), deniedFeedback: 'no' }),
      signal: new AbortController().signal,
      stdout,
      stderr: new PassThrough(),
    });
    expect(code).toBe(0);
    const sent = JSON.stringify(model.doStreamCalls[0]!.prompt.at(-1));
    expect(sent).toContain('fix the parser');
    expect(sent).toContain(JSON.stringify(PLAN_MODE_NOTE).slice(1, -1));
  });
});
