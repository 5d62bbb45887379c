import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestApproval } from '../../../src/agent/calls/approval';
import { createAgentTools } from '../../../src/agent/create-agent';
import { createDemoModel } from '../../../src/models/demo/model';
import { DEMO_NOTES_FILE } from '../../../src/models/demo/planner';
import { runAgent } from '../../../src/agent/loop';
import { mainInstructions } from '../../../src/agent/prompts';
import { collect, ofType, phasesOf } from '../../helpers/collect';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const files = {
  'README.md': '# Payments\n\nA tiny payments service.\n',
  'src/invoice.ts': 'export function createInvoice(amount: number) {\n  return { amount, status: "draft" };\n}\n',
  'src/refund.ts': 'import { createInvoice } from "./invoice";\nexport const refund = () => createInvoice(-1);\n',
  'test/invoice.test.ts': 'import { createInvoice } from "../src/invoice";\n',
  'node_modules/ignored/index.js': 'invoice',
  '.gitignore': 'node_modules/\n',
};

async function runDemo(prompt: string, requestApproval: RequestApproval) {
  const cwd = await createTempWorkspace(files);
  const model = createDemoModel({ pacing: false });
  const nodes = await collect(
    runAgent({
      model,
      instructions: mainInstructions({ cwd }),
      messages: [{ role: 'user', content: prompt }],
      tools: createAgentTools({ cwd, model }),
      signal: new AbortController().signal,
      requestApproval,
    }),
  );
  return { cwd, nodes };
}

describe('the offline demo model', () => {
  it('surveys in one batch, researches and reads in parallel, asks to write, then summarises from the results', async () => {
    const { cwd, nodes } = await runDemo('how are invoices created?', async () => ({ type: 'allow' }));
    const main = nodes.filter((node) => node.agentId === 'main');
    const mainPhases = phasesOf(main);
    // It says as many questions as it sends.
    const said = ofType(main, 'text-delta').filter((node) => node.step === 2).map((node) => node.text).join('');
    expect(said).toContain('ask research agents three questions at once');
    const phases = mainPhases.map((node) => [node.step, node.phase, node.calls.map((call) => call.toolName)]);
    expect(phases).toEqual([
      [1, 'read-only', ['list_dir', 'glob', 'grep']],
      [2, 'research', ['research_codebase', 'research_codebase', 'research_codebase']],
      [2, 'read-only', ['read_file', 'read_file', 'read_file']],
      [3, 'write', ['write_file']],
    ]);
    // It searched for the request's keyword and read what matched.
    const grep = mainPhases[0]!.calls[2]!;
    expect(grep.input).toMatchObject({ pattern: 'invoice|creat' });
    const reads = mainPhases[2]!.calls.map((call) => (call.input as { path: string }).path);
    expect(reads).toEqual(expect.arrayContaining(['src/invoice.ts', 'src/refund.ts']));
    expect(ofType(main, 'tool-call-end').every((node) => node.status === 'ok')).toBe(true);

    // The sub-agents ran side by side, each with its own parallel batch.
    const subAgents = ofType(nodes, 'run-start').filter((node) => node.agentId !== 'main');
    expect(subAgents).toHaveLength(3);
    const firstEnd = nodes.findIndex((node) => node.type === 'run-end' && node.agentId !== 'main');
    expect(subAgents.every((node) => nodes.indexOf(node) < firstEnd)).toBe(true);
    for (const agent of subAgents) {
      const batches = phasesOf(nodes).filter((node) => node.agentId === agent.agentId);
      expect(batches[0]!.calls.map((call) => call.toolName)).toEqual(['grep', 'glob', 'list_dir']);
    }

    expect(ofType(main, 'approval-request')).toMatchObject([{ toolName: 'write_file', preview: { type: 'diff', path: DEMO_NOTES_FILE, isNewFile: true } }]);
    const notes = await readFile(path.join(cwd, DEMO_NOTES_FILE), 'utf8');
    expect(notes).toContain('src/invoice.ts');

    const answer = ofType(main, 'run-end')[0]!;
    expect(answer.reason).toBe('done');
    // Built from the results: the file count glob found (gitignored files left out), the grep hits, the reports.
    expect(answer.text).toContain('**5 files**');
    expect(answer.text).toMatch(/`src\/invoice\.ts` \(\d+\)/);
    expect(answer.text).toContain('From the research agents');
    expect(answer.text).toContain(`Wrote \`${DEMO_NOTES_FILE}\``);
  });

  it('says so when the write is declined, and writes nothing', async () => {
    const { cwd, nodes } = await runDemo('find the refund logic', async () => ({ type: 'deny', feedback: 'not now' }));
    expect(existsSync(path.join(cwd, DEMO_NOTES_FILE))).toBe(false);
    const answer = ofType(nodes, 'run-end').find((node) => node.agentId === 'main')!;
    expect(answer.text).toContain('was denied, so nothing was written');
    expect(answer.text).toMatch(/`src\/refund\.ts`/);
  });

  it('plans the same calls for the same workspace and prompt', async () => {
    const calls = async () =>
      phasesOf((await runDemo('where is the readme?', async () => ({ type: 'allow' }))).nodes).map((node) =>
        node.calls.map((call) => [call.toolName, call.input]),
      );
    expect(await calls()).toEqual(await calls());
  });
});
