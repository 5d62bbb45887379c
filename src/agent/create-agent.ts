import type { LanguageModel } from 'ai';
import {
  createFileTracker,
  createMainTools,
  createReadOnlyTools,
  createWebAccess,
  createWebFetchTool,
  type FileTracker,
  type WebAccess,
  type WriteJournal,
} from '../tools';
import { createRegistry, type ToolRegistry } from '../tools/registry';
import type { StartResearch } from '../tools/research-codebase';
import type { SandboxSettings } from '../tools/sandbox';
import { denyAll } from './approval';
import { runAgent } from './loop';
import type { ProviderOptions } from '../models/model';
import type { ContextWindow } from '../models/context-window';
import { createContextBudget } from './context/budget';
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
  /** Records every write so /undo can restore it; absent in runs that cannot undo (headless). */
  journal?: WriteJournal;
  /** The research model's window, for its own compaction; sub-agents never compact without it. */
  contextWindow?: () => ContextWindow;
  compactAt?: number;
  /** What sandboxed commands may not read (shoal's config and state) and whether they get the network. */
  sandbox?: SandboxSettings;
  /** The session's web domains and private-address setting; without one, every domain asks and private addresses are refused. */
  webAccess?: WebAccess;
}

export const DEFAULT_RESEARCH_MAX_STEPS = 20;

/**
 * Starts research sub-agents through the same loop as the main agent, with
 * read-only tools and the research prompt; their nodes carry the parent call id.
 * They get web_fetch for the domains `webAccess` allows only: nobody can be asked
 * for a new one, so they name such URLs in their report for the main agent.
 */
export function createStartResearch(setup: AgentSetup, tracker: FileTracker, webAccess: WebAccess = createWebAccess()): StartResearch {
  const tools = createRegistry([
    ...createReadOnlyTools({ cwd: setup.cwd, tracker }),
    createWebFetchTool({ access: webAccess, isAskingPossible: false }),
  ]);
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
      context: setup.contextWindow ? createContextBudget({ window: setup.contextWindow, compactAt: setup.compactAt }) : undefined,
    });
}

/**
 * The main agent's tool registry, with research wired to sub-agents of the
 * shared loop and web_fetch sharing `setup.webAccess` with them. Every read (the sub-agents' too) feeds one tracker, so an edit
 * of a file that changed since it was read is refused.
 */
export function createAgentTools(setup: AgentSetup): ToolRegistry {
  const tracker = createFileTracker();
  const webAccess = setup.webAccess ?? createWebAccess();
  return createMainTools({
    cwd: setup.cwd,
    startResearch: createStartResearch(setup, tracker, webAccess),
    tracker,
    journal: setup.journal,
    sandbox: setup.sandbox,
    web: { access: webAccess },
  });
}
