import { z } from 'zod';
import { runAgent } from '../../src/agent/loop';
import { createRegistry } from '../../src/tools/registry';
import { createResearchCodebaseTool } from '../../src/tools/research-codebase';
import type { ShoalTool, ToolKind } from '../../src/tools/types';
import { createScriptedModel, sleep } from './scripted-model';
import { raceAbort } from '../../src/agent/calls/concurrency';

/** When a fake tool's execute started and ended, for overlap checks. */
export interface Interval {
  toolCallId: string;
  start: number;
  end: number;
}

const input = z.object({ label: z.string() });

/**
 * A tool that waits `latencyMs` (honouring abort) and records when it ran;
 * `fail` makes it throw for the given labels.
 */
export function createFakeTool(options: {
  name: string;
  kind: ToolKind;
  latencyMs?: number;
  log?: Interval[];
  fail?: string[];
  onRun?: (label: string) => void;
  /** What a write tool's command preview says about the sandbox. */
  isSandboxed?: boolean;
  /** Each call also waits for this (a test's gate), so a call runs as long as the test needs, whatever the machine's load. */
  until?: Promise<unknown>;
}): ShoalTool<z.infer<typeof input>> {
  return {
    name: options.name,
    kind: options.kind,
    description: `fake ${options.kind} tool`,
    inputSchema: input,
    describe: (value) => value.label,
    async execute(value, context) {
      const start = performance.now();
      try {
        await sleep(options.latencyMs ?? 0, context.signal);
        if (options.until) await raceAbort(options.until, context.signal);
        if (options.fail?.includes(value.label)) throw new Error(`${value.label} failed on purpose`);
        options.onRun?.(value.label);
        return { output: `${options.name} ran ${value.label}`, summary: value.label };
      } finally {
        options.log?.push({ toolCallId: context.toolCallId, start, end: performance.now() });
      }
    },
    preview: options.kind === 'write' ? async (value) => ({ type: 'command', command: value.label, cwd: '/fake', isSandboxed: options.isSandboxed ?? false }) : undefined,
  };
}

/**
 * A real research_codebase tool whose sub-agents run the real loop: each
 * batches two fake reads (`<question>-one`, `<question>-two`) taking
 * `readLatencyMs`, then reports "report on <question>".
 */
export function createFakeResearchTool(readLatencyMs: number): ShoalTool {
  const reads = createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs: readLatencyMs })]);
  return createResearchCodebaseTool({
    startResearch: ({ question, toolCallId, signal }) =>
      runAgent({
        model: createScriptedModel([
          { calls: [{ toolName: 'read_file', input: { label: `${question}-one` } }, { toolName: 'read_file', input: { label: `${question}-two` } }] },
          { text: `report on ${question}` },
        ]),
        instructions: '',
        messages: [{ role: 'user', content: question }],
        tools: reads,
        signal,
        requestApproval: async () => ({ type: 'allow' }),
        agentId: `research:${toolCallId}`,
        parentToolCallId: toolCallId,
      }),
  });
}

/** Wraps `tool` to count how many of its calls run at once; `most()` is the highest count seen. */
export function withInFlightCount<T>(tool: ShoalTool<T>): { tool: ShoalTool<T>; most: () => number } {
  let inFlight = 0;
  let most = 0;
  const execute = tool.execute;
  return {
    tool: {
      ...tool,
      async execute(input, context) {
        most = Math.max(most, ++inFlight);
        try {
          return await execute(input, context);
        } finally {
          inFlight -= 1;
        }
      },
    },
    most: () => most,
  };
}
