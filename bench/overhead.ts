import type { AgentNode } from '../src/agent/nodes';
import { createRegistry } from '../src/tools/registry';
import { ofType } from '../test/helpers/collect';
import { createFakeTool } from '../test/helpers/fake-tools';
import { createScriptedModel, type ScriptedStep } from '../test/helpers/scripted-model';
import { formatMs, median, now, repeat, runLoop } from './measure';
import type { Row } from './table';

const STEPS_PER_RUN = 10;
const CALLS_PER_STEP = 8;
const TOOL_LATENCY_MS = 5;
const RUNS = 5;
const TARGET_MS = 5;

/** The gaps one run showed, in milliseconds, one entry per model step with calls. */
interface Gaps {
  /** `step-end` to the step's first `tool-call-start`. */
  toTools: number[];
  /** The step's last `tool-call-end` to the next model request (the model's doStream being called). */
  toModel: number[];
  /** The step's last `tool-call-end` to the next `step-start` node. */
  toStepStart: number[];
}

/**
 * Runs `STEPS_PER_RUN` responses of `CALLS_PER_STEP` quick reads through
 * `runAgent` and measures the loop's own time around each batch, with the
 * scripted model noting when the loop calls it.
 */
async function runOnce(): Promise<Gaps> {
  const requestedAt: number[] = [];
  const model = createScriptedModel((_, index): ScriptedStep => {
    requestedAt[index] = now();
    if (index >= STEPS_PER_RUN) return { text: 'done' };
    return {
      calls: Array.from({ length: CALLS_PER_STEP }, (__, call) => ({ toolName: 'read_file', input: { label: `s${index}-c${call}` } })),
    };
  });
  const tools = createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs: TOOL_LATENCY_MS })]);
  const nodes = await runLoop({ model, tools, prompt: 'read', instructions: 'You read files.' });
  const gaps: Gaps = { toTools: [], toModel: [], toStepStart: [] };
  const inStep = <T extends AgentNode>(list: T[], step: number) => list.filter((node) => 'step' in node && node.step === step);
  for (let step = 1; step <= STEPS_PER_RUN; step++) {
    const end = inStep(ofType(nodes, 'step-end'), step)[0];
    const starts = inStep(ofType(nodes, 'tool-call-start'), step);
    const ends = inStep(ofType(nodes, 'tool-call-end'), step);
    const nextStart = inStep(ofType(nodes, 'step-start'), step + 1)[0];
    const nextRequest = requestedAt[step];
    if (!end || starts.length === 0 || ends.length === 0 || !nextStart || nextRequest === undefined) {
      throw new Error(`Step ${step} is missing nodes.`);
    }
    const lastToolEnd = Math.max(...ends.map((node) => node.time));
    gaps.toTools.push(Math.min(...starts.map((node) => node.time)) - end.time);
    gaps.toModel.push(nextRequest - lastToolEnd);
    gaps.toStepStart.push(nextStart.time - lastToolEnd);
  }
  return gaps;
}

/** Figure 3: the loop's scheduling overhead between a model step and its tools, and between the tools and the next request. */
export async function measureOverhead(): Promise<Row[]> {
  const runs = await repeat(RUNS, runOnce);
  const toTools = median(runs.flatMap((gaps) => gaps.toTools));
  const toModel = median(runs.flatMap((gaps) => gaps.toModel));
  const toStepStart = median(runs.flatMap((gaps) => gaps.toStepStart));
  const samples = `median of ${RUNS * STEPS_PER_RUN}`;
  return [
    {
      group: 'overhead',
      figure: 'step-end → first tool-call-start',
      value: `${formatMs(toTools)} (${samples})`,
      target: `< ${TARGET_MS} ms`,
      isMet: toTools < TARGET_MS,
    },
    {
      group: 'overhead',
      figure: 'last tool-call-end → next step-start node',
      value: `${formatMs(toStepStart)} (${samples})`,
      target: '(report)',
    },
    {
      group: 'overhead',
      figure: 'last tool-call-end → next model request (doStream)',
      value: `${formatMs(toModel)} (${samples})`,
      target: `< ${TARGET_MS} ms`,
      isMet: toModel < TARGET_MS,
    },
  ];
}
