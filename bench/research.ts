import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LanguageModelV4CallOptions } from '@ai-sdk/provider';
import { createAgentTools } from '../src/agent/create-agent';
import { ofType } from '../test/helpers/collect';
import { createScriptedModel, type ScriptedStep } from '../test/helpers/scripted-model';
import { formatMs, formatRatio, median, repeat, withTempDir, runLoop } from './measure';
import type { Row } from './table';

const STEP_LATENCY_MS = 200;
const RUNS = 5;
const TARGET_RATIO = 1.15;

/**
 * A research sub-agent's model: three steps of `STEP_LATENCY_MS` each (a
 * read, a glob, then the report). It picks its step from the assistant turns
 * in the prompt, so one model serves sub-agents running side by side.
 */
function researchStep(options: LanguageModelV4CallOptions): ScriptedStep {
  const step = options.prompt.filter((message) => message.role === 'assistant').length;
  const script: ScriptedStep[] = [
    { calls: [{ toolName: 'read_file', input: { path: 'notes.md' } }], delayMs: STEP_LATENCY_MS },
    { calls: [{ toolName: 'glob', input: { pattern: '*.md' } }], delayMs: STEP_LATENCY_MS },
    { text: 'Report: notes.md:1 holds the notes.', delayMs: STEP_LATENCY_MS },
  ];
  return script[Math.min(step, script.length - 1)]!;
}

/**
 * The research phase's wall time when one response asks `questions`
 * research_codebase calls: the real research tool, whose sub-agents run
 * `runAgent` with the read-only tools, as create-agent.ts wires them.
 */
async function runResearchOnce(cwd: string, questions: number): Promise<number> {
  const model = createScriptedModel([
    {
      calls: Array.from({ length: questions }, (_, index) => ({
        toolName: 'research_codebase',
        input: { question: `Question ${index + 1}: where are the notes?` },
      })),
    },
    { text: 'done' },
  ]);
  const tools = createAgentTools({ cwd, model, researchModel: createScriptedModel(researchStep) });
  const nodes = await runLoop({ model, tools, prompt: 'research' });
  const ends = ofType(nodes, 'tool-call-end').filter((node) => node.toolName === 'research_codebase');
  if (ends.length !== questions || ends.some((node) => node.status !== 'ok')) {
    throw new Error(`Research calls did not all succeed: ${ends.map((node) => `${node.status} ${node.summary}`).join('; ')}`);
  }
  const phase = ofType(nodes, 'phase-end').find((node) => node.agentId === 'main' && node.phase === 'research');
  if (!phase) throw new Error('The research phase never ended.');
  return phase.durationMs;
}

/** Figure 2: three research sub-agents side by side against one alone. */
export async function measureResearch(): Promise<Row[]> {
  return withTempDir('research', async (cwd) => {
    await writeFile(path.join(cwd, 'notes.md'), '# Notes\n\nWhere things are.\n');
    const single = median(await repeat(RUNS, () => runResearchOnce(cwd, 1)));
    const three = median(await repeat(RUNS, () => runResearchOnce(cwd, 3)));
    const ratio = three / single;
    return [
      {
        group: 'research',
        figure: `research: 1 sub-agent (3 steps × ${STEP_LATENCY_MS} ms)`,
        value: formatMs(single),
        target: '(reference)',
      },
      {
        group: 'research',
        figure: 'research: 3 sub-agents in one response',
        value: `${formatMs(three)} = ${formatRatio(ratio)} one sub-agent`,
        target: `≤ ${TARGET_RATIO} × one sub-agent`,
        isMet: ratio <= TARGET_RATIO,
      },
    ];
  });
}
