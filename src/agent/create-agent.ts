import type { LanguageModel } from 'ai';
import {
  createFileTracker,
  createMainTools,
  createReadOnlyTools,
  createWebAccess,
  createWebFetchTool,
  offersApplyPatch,
  type FileTracker,
  type WebAccess,
  type WriteJournal,
} from '../tools';
import type { McpManager } from '../tools/mcp/client';
import type { ToolRegistry } from '../tools/registry';
import type { StartResearch } from '../tools/research-codebase';
import type { SandboxSettings } from '../tools/shell/sandbox';
import { denyAll } from './calls/approval';
import { runAgent } from './loop';
import type { ProviderOptions } from '../models/model';
import type { ContextWindow } from '../models/context-window';
import type { ModelPrice } from '../models/prices';
import { createContextBudget } from './context/budget';
import { createFolderInstructions } from './instructions/folder-delivery';
import type { InstructionsFile } from './instructions/project-files';
import { withMcpTools } from './mcp-tools';
import { loadRootInstructions, researchInstructions } from './prompts';
import type { UserAgent } from './user-agents/definition';
import { createStartUserAgent, mainModelOf, type AgentModel } from './user-agents/start-agent';
import type { HookRunner } from '../hooks/runner';

/** How the main agent and its research sub-agents are set up. */
export interface AgentSetup {
  cwd: string;
  model: LanguageModel;
  /** The research sub-agents' model; the main model when absent. */
  researchModel?: LanguageModel;
  providerOptions?: ProviderOptions;
  /** The main model's price, when known. */
  price?: ModelPrice;
  /** The research model's price, when known; set apart since it may be another model. */
  researchPrice?: ModelPrice;
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
  /** The session's MCP servers: their tools join as they start, the read-only ones for research sub-agents too. */
  mcp?: Pick<McpManager, 'tools'>;
  /** The session's web domains and private-address setting; without one, every domain asks and private addresses are refused. */
  webAccess?: WebAccess;
  /** The `applyPatch` setting: offer apply_patch to every model (true) or none (false); by model id when absent. */
  applyPatch?: boolean;
  /** The main model's id now, read each step so a /model switch re-decides apply_patch; the id of `model` when absent. */
  modelId?: () => string;
  /**
   * The main model now (after a /model switch), read as each sub-agent starts:
   * research sub-agents without a `researchModel`, and the user's agents
   * without a model of their own, run on it. `model` when absent.
   */
  currentModel?: () => AgentModel;
  /** The user's own agents (the project's among them once its folder is trusted), offered through research_codebase. */
  agents?: readonly UserAgent[];
  /** Builds a model by id with the session's provider settings, for an agent that names its own; without it, agents run on `model`. */
  createModel?: (modelId: string) => Promise<AgentModel>;
  /** Whether the main model now takes images, read at each read_file of one; no when absent (a note goes instead). */
  isTakingImages?: () => boolean;
  /** The user's hooks; sub-agents' calls run PreToolUse and PostToolUse hooks too, and SubagentStart and SubagentStop frame their runs. */
  hooks?: HookRunner;
}

export const DEFAULT_RESEARCH_MAX_STEPS = 20;

/**
 * Starts research sub-agents through the same loop as the main agent, with
 * read-only tools and the research prompt; their nodes carry the parent call id.
 * They get web_fetch for the domains `webAccess` allows only: nobody can be asked
 * for a new one, so they name such URLs in their report for the main agent.
 * A call naming one of `setup.agents` runs that agent instead (see `createStartUserAgent`).
 */
export function createStartResearch(setup: AgentSetup, tracker: FileTracker, webAccess: WebAccess = createWebAccess()): StartResearch {
  // A research model of its own is not known to take images: its read_file sends notes.
  const isTakingImages = setup.researchModel ? undefined : setup.isTakingImages;
  const builtIn = [...createReadOnlyTools({ cwd: setup.cwd, tracker, isTakingImages }), createWebFetchTool({ access: webAccess, isAskingPossible: false })];
  const tools = withMcpTools(builtIn, setup.mcp, (tool) => tool.kind === 'read-only');
  const folderInstructions = createFolderInstructions(setup.cwd);
  // Some servers number tool calls per response (call_0 in every step): an agent id must still be unique.
  const runsOfCall = new Map<string, number>();
  const agents = new Map((setup.agents ?? []).map((agent) => [agent.name, agent]));
  // The root's AGENTS.md as it is now (it may have changed since start-up), read once for the sub-agents a
  // response starts together: they share the read, and so still start in the order they were called.
  let reading: Promise<InstructionsFile | undefined> | undefined;
  const rootInstructions = () => {
    if (reading) return reading;
    const read = loadRootInstructions(setup.cwd).catch(() => undefined);
    reading = read;
    void read.then(() => {
      if (reading === read) reading = undefined;
    });
    return read;
  };
  const startUserAgent = createStartUserAgent({ setup, tracker, webAccess, researchMaxSteps: setup.researchMaxSteps ?? DEFAULT_RESEARCH_MAX_STEPS });
  return ({ question, paths, agent: agentName, toolCallId, signal, approval }) => {
    const run = (runsOfCall.get(toolCallId) ?? 0) + 1;
    runsOfCall.set(toolCallId, run);
    const agent = agentName === undefined ? undefined : agents.get(agentName);
    if (agent) {
      const agentId = run === 1 ? `${agent.name}:${toolCallId}` : `${agent.name}:${toolCallId}#${run}`;
      return startUserAgent(agent, { question, paths, toolCallId, agentId, signal, approval });
    }
    const main = mainModelOf(setup);
    const agentId = run === 1 ? `research:${toolCallId}` : `research:${toolCallId}#${run}`;
    return (async function* () {
      const project = await rootInstructions();
      yield* runAgent({
        model: setup.researchModel ?? main.model,
        instructions: researchInstructions({ cwd: setup.cwd, project }),
        messages: [{ role: 'user', content: paths?.length ? `${question}\n\nStart from: ${paths.join(', ')}` : question }],
        tools,
        signal,
        // The research agent has no write tools; nothing can ask.
        requestApproval: denyAll,
        agentId,
        parentToolCallId: toolCallId,
        maxSteps: setup.researchMaxSteps ?? DEFAULT_RESEARCH_MAX_STEPS,
        concurrency: setup.concurrency,
        providerOptions: setup.researchModel ? setup.providerOptions : main.providerOptions,
        price: setup.researchModel ? setup.researchPrice : main.price,
        maxRetries: setup.maxRetries,
        context: setup.contextWindow ? createContextBudget({ window: setup.contextWindow, compactAt: setup.compactAt }) : undefined,
        folderInstructions,
        hooks: setup.hooks,
        agentType: 'research',
      });
    })();
  };
}

/**
 * The main agent's tools, with research wired to sub-agents of the shared
 * loop and web_fetch sharing `setup.webAccess` with them, as a getter the
 * loop reads each step: MCP tools join as their servers start, and apply_patch
 * is there while the current model is offered it (see `offersApplyPatch`).
 * Every read (the sub-agents' too) feeds one tracker, so an edit of a file that
 * changed since it was read is refused.
 */
export function createAgentTools(setup: AgentSetup): () => ToolRegistry {
  const tracker = createFileTracker();
  const webAccess = setup.webAccess ?? createWebAccess();
  const main = createMainTools({
    cwd: setup.cwd,
    startResearch: createStartResearch(setup, tracker, webAccess),
    tracker,
    journal: setup.journal,
    isTakingImages: setup.isTakingImages,
    sandbox: setup.sandbox,
    web: { access: webAccess },
    applyPatch: true,
    agents: setup.agents,
  });
  const withPatch = withMcpTools([...main.values()], setup.mcp, () => true);
  const withoutPatch = withMcpTools([...main.values()].filter((tool) => tool.name !== 'apply_patch'), setup.mcp, () => true);
  const modelId = setup.modelId ?? (() => (typeof setup.model === 'string' ? setup.model : setup.model.modelId));
  return () => (offersApplyPatch({ modelId: modelId(), setting: setup.applyPatch }) ? withPatch() : withoutPatch());
}
