import type { LanguageModel } from 'ai';
import { createMainTools, type FileTracker, type WebAccess } from '../../tools';
import type { ToolRegistry } from '../../tools/registry';
import type { DelegatedApproval, ShoalTool } from '../../tools/types';
import type { ProviderOptions } from '../../models/model';
import type { ModelPrice } from '../../models/prices';
import { denyAll } from '../calls/approval';
import { createContextBudget } from '../context/budget';
import type { AgentSetup } from '../create-agent';
import { DEFAULT_MAX_STEPS, runAgent } from '../loop';
import { withMcpTools } from '../mcp-tools';
import type { AgentNode } from '../nodes';
import { now } from '../text';
import { ZERO_USAGE } from '../usage';
import type { UserAgent } from './definition';
import { describeCommandRules, matchesCommandRule, parseCommandRule } from './command-rules';
import { userAgentInstructions } from './instructions';

/** One run of a user's agent: the task, the call that started it, and the caller's approval for its writes. */
export interface UserAgentRequest {
  question: string;
  paths?: string[];
  toolCallId: string;
  agentId: string;
  signal: AbortSignal;
  approval?: DelegatedApproval;
}

/** The model an agent runs on, with its provider options and price. */
export interface AgentModel {
  model: LanguageModel;
  providerOptions?: ProviderOptions;
  price?: ModelPrice;
}

/** The main model as it is now: the /model choice when the setup follows it, else the one it started with. */
export function mainModelOf(setup: AgentSetup): AgentModel {
  return setup.currentModel?.() ?? { model: setup.model, providerOptions: setup.providerOptions, price: setup.price };
}

const NO_RESEARCH = () => {
  throw new Error('A user agent cannot start research agents.');
};

/**
 * Runs the user's agents through the same loop as every agent, each with its
 * own prompt and ONLY its own tools (an MCP tool it names once its server is
 * up; a read-only agent only read-only ones). An agent with write tools asks
 * for each write through the caller's approval, plan mode included; one
 * without can ask nothing. Its own `model` is built with the session's
 * provider settings; without one it runs on the main model.
 */
export function createStartUserAgent(options: { setup: AgentSetup; tracker: FileTracker; webAccess: WebAccess; researchMaxSteps: number }) {
  const { setup } = options;
  const toolsOf = new Map<string, () => ToolRegistry>();
  const models = new Map<string, Promise<AgentModel>>();
  const modelOf = (agent: UserAgent): Promise<AgentModel> => {
    if (!agent.model || !setup.createModel) return Promise.resolve(mainModelOf(setup));
    let found = models.get(agent.model);
    if (!found) models.set(agent.model, (found = setup.createModel(agent.model)));
    return found;
  };
  const registryOf = (agent: UserAgent) => {
    let found = toolsOf.get(agent.name);
    if (!found) toolsOf.set(agent.name, (found = agentTools({ setup, agent, tracker: options.tracker, webAccess: options.webAccess })));
    return found;
  };

  return async function* startUserAgent(agent: UserAgent, request: UserAgentRequest): AsyncGenerator<AgentNode> {
    let model: AgentModel;
    try {
      model = await modelOf(agent);
    } catch (error) {
      // The run still starts and ends, so the caller's panel and report say why.
      const base = { agentId: request.agentId, parentToolCallId: request.toolCallId };
      yield { ...base, type: 'run-start', modelId: agent.model ?? '', maxSteps: 0, time: now() };
      yield { ...base, type: 'run-end', reason: 'error', text: '', usage: ZERO_USAGE, steps: 0, error: `model ${agent.model}: ${(error as Error).message}`, time: now() };
      return;
    }
    const canAsk = agent.canWrite && request.approval !== undefined;
    yield* runAgent({
      ...model,
      instructions: userAgentInstructions({ agent, cwd: setup.cwd }),
      messages: [{ role: 'user', content: request.paths?.length ? `${request.question}\n\nStart from: ${request.paths.join(', ')}` : request.question }],
      tools: registryOf(agent),
      signal: request.signal,
      ...(canAsk ? withPermissionMode(agent, request.approval!) : { requestApproval: denyAll }),
      agentId: request.agentId,
      parentToolCallId: request.toolCallId,
      maxSteps: agent.maxTurns ?? (agent.canWrite ? DEFAULT_MAX_STEPS : options.researchMaxSteps),
      concurrency: setup.concurrency,
      maxRetries: setup.maxRetries,
      context: setup.contextWindow ? createContextBudget({ window: setup.contextWindow, compactAt: setup.compactAt }) : undefined,
      // Its calls run the user's tool hooks as the research agent's do; SubagentStart and SubagentStop match its name.
      hooks: setup.hooks,
      agentType: agent.name,
    });
  };
}

/**
 * The caller's approval as the agent's `permissionMode` shapes it: `plan`
 * refuses every write and command unasked; the other modes go with each
 * request, for the approval to decide by (answerUnasked, createPolicyApproval).
 */
function withPermissionMode(agent: UserAgent, approval: DelegatedApproval): Pick<Parameters<typeof runAgent>[0], 'requestApproval' | 'isPlanning'> {
  const mode = agent.permissionMode;
  if (mode === 'plan') return { requestApproval: approval.requestApproval, isPlanning: () => true };
  const planning = approval.isPlanning ? { isPlanning: approval.isPlanning } : {};
  if (mode === undefined) return { requestApproval: approval.requestApproval, ...planning };
  const agentMode = { agent: agent.name, mode };
  return { requestApproval: (call, signal) => approval.requestApproval({ ...call, agentMode }, signal), ...planning };
}

/** The agent's tools, by its list: shoal's built-in ones it names, then the MCP tools it names as their servers join. */
function agentTools(options: { setup: AgentSetup; agent: UserAgent; tracker: FileTracker; webAccess: WebAccess }): () => ToolRegistry {
  const { setup, agent } = options;
  const all = createMainTools({
    cwd: setup.cwd,
    startResearch: NO_RESEARCH,
    tracker: options.tracker,
    journal: setup.journal,
    sandbox: setup.sandbox,
    // Only an agent that runs with the writes can ask about a new domain; a read-only one fetches allowed ones.
    web: { access: options.webAccess, isAskingPossible: agent.canWrite },
    applyPatch: true,
  });
  const builtIn = agent.tools.flatMap((name) => all.get(name) ?? []).map((tool) => (tool.name === 'bash' && agent.commandRules ? withCommandRules(tool, agent) : tool));
  return withMcpTools(builtIn, setup.mcp, (tool) => agent.tools.includes(tool.name) && (agent.canWrite || tool.kind === 'read-only'));
}

/**
 * The bash tool as an agent with `Bash(git *)` entries has it: a command no
 * entry allows fails before anyone is asked (its preview throws), and again
 * if it reaches the run another way (a hook's `allow`); one that matches asks
 * as any command of the agent's does.
 */
function withCommandRules<Input>(tool: ShoalTool<Input>, agent: UserAgent): ShoalTool<Input> {
  const rules = agent.commandRules!.map(parseCommandRule).filter((rule) => rule !== undefined);
  const check = (input: Input) => {
    const { command } = input as { command: string };
    if (!rules.some((rule) => matchesCommandRule(command, rule))) {
      throw new Error(`Not run: agent ${agent.name} may run only commands its file allows (${describeCommandRules(agent.commandRules!)}). Do not retry it; say in your report what is left to do.`);
    }
  };
  return {
    ...tool,
    async preview(input) {
      check(input);
      return tool.preview!(input);
    },
    async execute(input, context) {
      check(input);
      return tool.execute(input, context);
    },
  };
}
