import type { LanguageModel } from 'ai';
import { createMainTools, createReadOnlyTools } from '../tools';
import { createRegistry, type ToolRegistry } from '../tools/registry';
import type { StartResearch } from '../tools/research-codebase';
import { denyAll } from './approval';
import { runAgent } from './loop';
import type { ProviderOptions } from './model-step';
import { researchInstructions } from './prompts';

/** How the main agent and its research sub-agents are set up. */
export interface AgentSetup {
  cwd: string;
  model: LanguageModel;
  /** The research sub-agents' model; the main model when absent. */
  researchModel?: LanguageModel;
  providerOptions?: ProviderOptions;
  concurrency?: number;
  researchMaxSteps?: number;
  maxRetries?: number;
}

export const DEFAULT_RESEARCH_MAX_STEPS = 20;

/**
 * Starts research sub-agents through the same loop as the main agent, with
 * read-only tools and the research prompt; their nodes carry the parent call id.
 */
export function createStartResearch(setup: AgentSetup): StartResearch {
  const tools = createRegistry(createReadOnlyTools({ cwd: setup.cwd }));
  const instructions = researchInstructions({ cwd: setup.cwd });
  return ({ question, paths, toolCallId, signal }) =>
    runAgent({
      model: setup.researchModel ?? setup.model,
      instructions,
      messages: [{ role: 'user', content: paths?.length ? `${question}\n\nStart from: ${paths.join(', ')}` : question }],
      tools,
      signal,
      // The research agent has no write tools; nothing can ask.
      requestApproval: denyAll,
      agentId: `research:${toolCallId}`,
      parentToolCallId: toolCallId,
      maxSteps: setup.researchMaxSteps ?? DEFAULT_RESEARCH_MAX_STEPS,
      concurrency: setup.concurrency,
      providerOptions: setup.providerOptions,
      maxRetries: setup.maxRetries,
    });
}

/** The main agent's tool registry, with research wired to sub-agents of the shared loop. */
export function createAgentTools(setup: AgentSetup): ToolRegistry {
  return createMainTools({ cwd: setup.cwd, startResearch: createStartResearch(setup) });
}
