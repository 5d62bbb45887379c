import { z } from 'zod';
import type { AgentNode } from '../agent/nodes';
import type { DelegatedApproval, ShoalTool, ToolKind } from './types';

export const researchCodebaseInput = z.object({
  question: z.string().min(1).describe('One self-contained question about the codebase, with the context the researcher needs.'),
  paths: z.array(z.string()).optional().describe('Files or directories to start from, if known.'),
});
export type ResearchCodebaseInput = z.infer<typeof researchCodebaseInput> & { agent?: string };

/** One of the user's own agents, as the main model is offered it. */
export interface AgentChoice {
  name: string;
  /** When to call it, in the user's words. */
  description: string;
  tools: readonly string[];
  /** True when it may write files or run commands: it then runs with the writes, one at a time, and they ask. */
  canWrite: boolean;
}

/**
 * Starts a research sub-agent (or the user's agent `agent`) for one question
 * and streams its nodes. `approval` is how the caller's writes are approved,
 * for an agent that has write tools.
 * Contract: the stream ends with the sub-agent's own `run-end`, and every node
 * carries `parentToolCallId`; aborting `signal` ends it promptly.
 */
export type StartResearch = (request: {
  question: string;
  paths?: string[];
  agent?: string;
  toolCallId: string;
  signal: AbortSignal;
  approval?: DelegatedApproval;
}) => AsyncIterable<AgentNode>;

const DESCRIPTION = [
  'Delegate a research question to a sub-agent that explores the codebase with read-only tools',
  '(read_file, list_dir, glob, grep) and returns a concise report with file paths and line numbers.',
  'Use it for broad questions that need many reads ("how is auth wired?", "where are errors logged?").',
  'Independent questions should be asked together in one response: research calls run concurrently.',
].join(' ');

/**
 * `research_codebase`: delegates a question to a read-only sub-agent running
 * the same loop, and returns its report. Given the user's own `agents`, it
 * takes an `agent` to run one of them instead: one whose tools only read runs
 * with the research, one with write tools with the writes, one at a time.
 */
export function createResearchCodebaseTool(options: { startResearch: StartResearch; agents?: readonly AgentChoice[] }): ShoalTool<ResearchCodebaseInput> {
  const agents = new Map((options.agents ?? []).map((agent) => [agent.name, agent]));
  const names = [...agents.keys()];
  const isWriting = (input: ResearchCodebaseInput) => input.agent !== undefined && agents.get(input.agent)?.canWrite === true;
  return {
    name: 'research_codebase',
    kind: 'research',
    description: names.length === 0 ? DESCRIPTION : `${DESCRIPTION}\n\n${agentsDescription([...agents.values()])}`,
    inputSchema:
      names.length === 0
        ? researchCodebaseInput
        : researchCodebaseInput.extend({
            question: z.string().min(1).describe('One self-contained question about the codebase, or the task for the agent named in `agent`, with the context it needs.'),
            agent: z
              .enum(names as [string, ...string[]])
              .optional()
              .describe("One of the user's own agents listed in this tool's description, to do the task with its own instructions and tools; omit for the default researcher."),
          }),
    ...([...agents.values()].some((agent) => agent.canWrite) ? { kindOf: (input: ResearchCodebaseInput): ToolKind => (isWriting(input) ? 'write' : 'research') } : {}),
    isDelegating: true,
    describe: (input) => (input.agent ? `${input.agent}: ${input.question}` : input.question),
    async execute(input, context) {
      let end: Extract<AgentNode, { type: 'run-end' }> | undefined;
      let calls = 0;
      const request = { ...input, toolCallId: context.toolCallId, signal: context.signal, ...(context.approval ? { approval: context.approval } : {}) };
      for await (const node of options.startResearch(request)) {
        context.emit(node);
        if (node.parentToolCallId !== context.toolCallId) continue;
        if (node.type === 'tool-call-end') calls += 1;
        if (node.type === 'run-end') end = node;
      }
      const who = input.agent ? `The agent ${input.agent}` : 'The research agent';
      if (!end || end.reason === 'aborted') throw new Error('Cancelled');
      if (end.reason === 'error') throw new Error(`${who} failed: ${end.error ?? 'unknown error'}`);
      const summary = `${end.steps} ${end.steps === 1 ? 'step' : 'steps'}, ${calls} tool ${calls === 1 ? 'call' : 'calls'}`;
      if (end.reason === 'step-limit') {
        return {
          output: `${end.text || '(no report)'}\n\n(${who} reached its step limit; this report may be incomplete.)`,
          summary: `${summary}, step limit`,
        };
      }
      return { output: end.text || `(${who} returned an empty report.)`, summary };
    },
  };
}

/** The agents as the model reads them in the tool's description: name, when to use it, its tools and where it runs. */
function agentsDescription(agents: readonly AgentChoice[]): string {
  const lines = agents.map((agent) => {
    const tools = agent.tools.length > 0 ? agent.tools.join(', ') : 'none';
    const runs = agent.canWrite
      ? 'may change files or run commands, each asked of the user; runs after the reads, one at a time'
      : 'read-only; runs concurrently with other research';
    return `- ${agent.name}: ${agent.description} (tools: ${tools}; ${runs})`;
  });
  return [
    "The user's own agents: pass `agent` with one of these names to have that agent do the task in `question`, with its own instructions and tools. Use one when its description fits the task.",
    ...lines,
  ].join('\n');
}
