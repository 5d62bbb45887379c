import { z } from 'zod';
import type { AgentNode } from '../agent/nodes';
import type { ShoalTool } from './types';

export const researchCodebaseInput = z.object({
  question: z.string().min(1).describe('One self-contained question about the codebase, with the context the researcher needs.'),
  paths: z.array(z.string()).optional().describe('Files or directories to start from, if known.'),
});
export type ResearchCodebaseInput = z.infer<typeof researchCodebaseInput>;

/**
 * Starts a research sub-agent for one question and streams its nodes.
 * Contract: the stream ends with the sub-agent's own `run-end`, and every node
 * carries `parentToolCallId`; aborting `signal` ends it promptly.
 */
export type StartResearch = (request: {
  question: string;
  paths?: string[];
  toolCallId: string;
  signal: AbortSignal;
}) => AsyncIterable<AgentNode>;

/** `research_codebase`: delegates a question to a read-only sub-agent running the same loop, and returns its report. */
export function createResearchCodebaseTool(options: { startResearch: StartResearch }): ShoalTool<ResearchCodebaseInput> {
  return {
    name: 'research_codebase',
    kind: 'research',
    description: [
      'Delegate a research question to a sub-agent that explores the codebase with read-only tools',
      '(read_file, list_dir, glob, grep) and returns a concise report with file paths and line numbers.',
      'Use it for broad questions that need many reads ("how is auth wired?", "where are errors logged?").',
      'Independent questions should be asked together in one response: research calls run concurrently.',
    ].join(' '),
    inputSchema: researchCodebaseInput,
    describe: (input) => input.question,
    async execute(input, context) {
      let end: Extract<AgentNode, { type: 'run-end' }> | undefined;
      let calls = 0;
      for await (const node of options.startResearch({ ...input, toolCallId: context.toolCallId, signal: context.signal })) {
        context.emit(node);
        if (node.parentToolCallId !== context.toolCallId) continue;
        if (node.type === 'tool-call-end') calls += 1;
        if (node.type === 'run-end') end = node;
      }
      if (!end || end.reason === 'aborted') throw new Error('Cancelled');
      if (end.reason === 'error') throw new Error(`The research agent failed: ${end.error ?? 'unknown error'}`);
      const summary = `${end.steps} ${end.steps === 1 ? 'step' : 'steps'}, ${calls} tool ${calls === 1 ? 'call' : 'calls'}`;
      if (end.reason === 'step-limit') {
        return {
          output: `${end.text || '(no report)'}\n\n(The research agent reached its step limit; this report may be incomplete.)`,
          summary: `${summary}, step limit`,
        };
      }
      return { output: end.text || '(The research agent returned an empty report.)', summary };
    },
  };
}
