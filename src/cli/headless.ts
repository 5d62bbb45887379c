import type { ContextBudget } from '../agent/context/budget';
import type { Writable } from 'node:stream';
import type { ModelMessage } from 'ai';
import { PLAN_MODE_NOTE, type RequestApproval } from '../agent/calls/approval';
import { createAgentTools, type AgentSetup } from '../agent/create-agent';
import { runAgent } from '../agent/loop';
import type { AgentNode, PlanStep, ToolCallStatus, Usage } from '../agent/nodes';
import { createFolderInstructions } from '../agent/instructions/folder-delivery';
import { createInitPrompt, parseInitCommand } from '../agent/instructions/init-prompt';
import { loadMainInstructions } from '../agent/prompts';
import { addUsage, knownCost, tokenCounts, ZERO_USAGE } from '../agent/usage';
import type { SessionRecorder } from '../session/recorder';
import type { ModelErrorClass } from '../models/model-errors';
import { callKey } from '../state/call-key';
import type { McpManager } from '../tools/mcp/client';
import { PLAN_MARKS, progressOf } from '../tools/update-plan';
import { toVisibleBlock, toVisibleText } from '../ui/visible-text';
import { attachedLine, attachMentions, hasAttachments } from '../ui/composer/mentions';
import { imageLine, toPromptImages } from '../ui/composer/prompt-images';
import { userContent, type PromptImage } from '../agent/user-content';
import type { CheckpointStore } from '../checkpoints';
import { checkpointLabel, conversationPrompts } from '../ui/rewind/prompts';
import { waitForCheckpoint } from '../ui/rewind/wait-for-checkpoint';
import { hookLine } from '../agent/hook-line';
import { now } from '../agent/text';
import { runPromptSubmit, runSessionEnd, runSessionStart, withHookContext } from '../hooks/prompt-hooks';

export const OUTPUT_FORMATS = ['text', 'json', 'stream-json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One task run without the TUI. */
export interface HeadlessOptions {
  setup: AgentSetup;
  prompt: string;
  /** The conversation so far, when continuing a saved session. */
  history?: readonly ModelMessage[];
  /** Saves the run as a session. */
  recorder?: SessionRecorder;
  outputFormat: OutputFormat;
  requestApproval: RequestApproval;
  /** Plan mode: the model is told it plans, and writes and commands end unrun without asking. */
  isPlanning?: boolean;
  maxSteps?: number;
  /** The model's window; the history compacts to stay within it. */
  context?: ContextBudget;
  signal: AbortSignal;
  stdout: Writable;
  stderr: Writable;
  /** The configured MCP servers: started and waited for (each up to its start timeout) before the first model call. */
  mcp?: McpManager;
  /** Builds the session's checkpoint store: the workspace is checkpointed before the model request, so a later /rewind finds it. */
  createCheckpoints?: (sessionId: string) => CheckpointStore;
}

/** What `--output-format json` prints once the run ends. */
export interface HeadlessSummary {
  /** The last step's text. */
  result: string;
  /** Why the run ended: done, error, aborted, step-limit or repeated-call. */
  reason: string;
  error?: string;
  /** The kind of model failure, e.g. `{ kind: 'context-overflow', isCertain: true }`. */
  errorKind?: ModelErrorClass;
  /** Every failed model call that was retried, in order. */
  retries: { step: number; attempt: number; delayMs: number; reason: string }[];
  steps: number;
  durationMs: number;
  /** Time saved by running calls while their response still streamed: how long they ran before it ended. */
  overlapSavedMs: number;
  /** Tokens of every agent's model calls; `cachedInputTokens` and `reasoningTokens` when the server counted them. */
  usage: Usage;
  /** What the run cost in US dollars: only when every model call's price was known. */
  costUsd?: number;
  toolCalls: { total: number; byStatus: Record<ToolCallStatus, number>; byTool: Record<string, number> };
}

/**
 * Runs one task through the main agent loop and prints it in the chosen
 * format: `text` streams the answer to stdout and one line per tool call to
 * stderr; `stream-json` prints every node as a JSON line; `json` prints one
 * summary object at the end. Returns the process exit code (0 when done).
 */
export async function runHeadless(options: HeadlessOptions): Promise<number> {
  const { stdout, stderr } = options;
  const started = performance.now();
  const task = await expandInit(options.prompt, options.setup.cwd);
  if ('error' in task) {
    stderr.write(`shoal: ${toVisibleText(task.error)}\n`);
    return 1;
  }
  if (options.mcp) await startMcpServers(options.mcp, stderr);
  const agentTools = createAgentTools({ ...options.setup, mcp: options.mcp ?? options.setup.mcp });
  const instructions = await loadMainInstructions(options.setup.cwd);
  const { hooks } = options.setup;
  const sessionStart = await runSessionStart(hooks, options.history ? 'resume' : 'startup');
  const submitted = await runPromptSubmit(hooks, options.prompt, options.signal);
  const hookNodes = [...sessionStart.bodies, ...submitted.bodies].map((body) => ({ ...body, agentId: 'main', time: now() }) as AgentNode);
  const summary: HeadlessSummary = {
    result: '',
    reason: 'error',
    retries: [],
    steps: 0,
    durationMs: 0,
    overlapSavedMs: 0,
    usage: ZERO_USAGE,
    toolCalls: { total: 0, byStatus: { ok: 0, error: 0, denied: 0, cancelled: 0 }, byTool: {} },
  };
  const descriptions = new Map<string, string>();
  let endsWithNewline = true;
  // Answer text and notices share a terminal: a notice never starts mid-line.
  const endLine = () => {
    if (endsWithNewline) return;
    stdout.write('\n');
    endsWithNewline = true;
  };

  const isTerminal = (stdout as { isTTY?: boolean }).isTTY === true;
  /** Counts, records and prints one node in the chosen format. */
  const show = (node: AgentNode) => {
    countNode(summary, node);
    options.recorder?.recordNode(node);
    if (options.outputFormat === 'stream-json') {
      stdout.write(`${JSON.stringify(node)}\n`);
      return;
    }
    if (options.outputFormat !== 'text') return;
    if (node.type === 'text-delta' && node.agentId === 'main') {
      // A terminal obeys escape sequences: the model's are shown there, and passed on whole to a pipe.
      stdout.write(isTerminal ? toVisibleBlock(node.text) : node.text);
      endsWithNewline = node.text.endsWith('\n');
    } else if (node.type === 'step-retry' && node.agentId === 'main') {
      endLine();
      stderr.write(`shoal: ${toVisibleText(node.reason)} Retrying ${formatWait(node.delayMs)} (attempt ${node.attempt} of ${node.maxRetries}).\n`);
    } else if (node.type === 'response-discard' && node.agentId === 'main') {
      endLine();
      stderr.write(`shoal: ${toVisibleText(node.reason)} What it said above is discarded.\n`);
    } else if (node.type === 'plan-update' && node.agentId === 'main') {
      endLine();
      stderr.write(`${toVisibleText(planText(node.plan, node.explanation))}\n`);
    } else if (node.type === 'step-notice' && node.agentId === 'main') {
      endLine();
      stderr.write(`shoal: ${toVisibleText(node.text)}\n`);
    } else if (node.type === 'hook-result' && (node.status !== 'ok' || node.text)) {
      endLine();
      stderr.write(`shoal: ${toVisibleText(hookLine(node))}\n`);
    } else if (node.type === 'phase-start' || node.type === 'phase-add') {
      for (const call of node.calls) descriptions.set(callKey(node.agentId, call.toolCallId), call.description);
    } else if (node.type === 'tool-call-end' || node.type === 'tool-call-invalid') {
      stderr.write(`${toVisibleText(formatToolLine(node, descriptions))}\n`);
    } else if (node.type === 'step-end' && node.agentId === 'main') {
      endLine();
    }
  };
  for (const node of hookNodes) show(node);
  /** Runs the SessionEnd hooks (`reason` "other"), at most their timeout, and shows them as the run's last nodes. */
  const endSession = async () => {
    for (const body of await runSessionEnd(hooks, 'other')) show({ ...body, agentId: 'main', time: now() } as AgentNode);
  };
  if (submitted.blockReason !== undefined) {
    // Not sent, and not saved: the prompt never reached the model.
    stderr.write(`shoal: a UserPromptSubmit hook blocked the prompt: ${toVisibleText(submitted.blockReason)}\n`);
    await endSession();
    return 1;
  }
  const { text, images } = await readAttachments(options, task.prompt);
  const withContext = withHookContext(text, [sessionStart.context, submitted.context]);
  const content = options.isPlanning ? `${withContext}\n\n${PLAN_MODE_NOTE}` : withContext;
  const messages: ModelMessage[] = [...(options.history ?? []), { role: 'user', content: userContent(content, images) }];
  options.recorder?.recordPrompt(content, images);
  // Started, not awaited: it runs beside the model request and is waited for before the process exits.
  const sessionId = options.recorder?.id;
  const checkpointing = sessionId ? options.createCheckpoints?.(sessionId).take(checkpointLabel(conversationPrompts(messages).length, options.prompt)) : undefined;
  // Writes and commands wait for it, so it holds the files as they were before the run; the model request does not.
  const tools = waitForCheckpoint(agentTools, () => checkpointing);
  for await (const node of runAgent({
    model: options.setup.model,
    instructions,
    messages,
    tools,
    signal: options.signal,
    requestApproval: options.requestApproval,
    ...(options.isPlanning ? { isPlanning: () => true } : {}),
    maxSteps: options.maxSteps,
    concurrency: options.setup.concurrency,
    providerOptions: options.setup.providerOptions,
    price: options.setup.price,
    maxRetries: options.setup.maxRetries,
    context: options.context,
    folderInstructions: createFolderInstructions(options.setup.cwd),
    hooks,
  })) {
    show(node);
  }

  summary.durationMs = Math.round(performance.now() - started);
  await endSession();
  await checkpointing;
  summary.overlapSavedMs = Math.round(summary.overlapSavedMs);
  // The cost is said once, and only when known (undefined drops out of the JSON): a partial sum would read as too cheap.
  summary.costUsd = knownCost(summary.usage);
  summary.usage = tokenCounts(summary.usage);
  if (options.outputFormat === 'json') stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (summary.reason === 'done') return 0;
  if (options.outputFormat === 'text') endLine();
  stderr.write(`shoal: ${toVisibleText(endMessage(summary))}\n`);
  return summary.reason === 'aborted' ? 130 : 1;
}

/** The prompt with the files its `@` mentions name after it, and the images it names; a line on stderr for each, and for each that could not be attached. */
async function readAttachments(options: HeadlessOptions, prompt: string): Promise<{ text: string; images: PromptImage[] }> {
  if (!hasAttachments(prompt)) return { text: prompt, images: [] };
  const found = await attachMentions({ cwd: options.setup.cwd, text: prompt, isTakingImages: options.setup.isTakingImages?.() ?? false });
  const lines = [...found.attached.map(attachedLine), ...found.images.map(imageLine), ...found.problems];
  for (const line of lines) options.stderr.write(`shoal: ${toVisibleText(line)}\n`);
  return { text: found.context ? `${prompt}\n\n${found.context}` : prompt, images: toPromptImages(found.images) };
}

/** Starts the servers and waits for each to be ready or failed; a failure is one line on stderr and the run goes on without it. */
async function startMcpServers(mcp: McpManager, stderr: Writable): Promise<void> {
  mcp.start();
  await mcp.settled();
  for (const server of mcp.servers()) {
    // The reason may quote the server's own stderr: escape it before it reaches a terminal.
    if (server.state.status === 'failed') stderr.write(`shoal: MCP server ${server.name} failed: ${toVisibleText(server.state.reason)}\n`);
  }
}

function countNode(summary: HeadlessSummary, node: AgentNode): void {
  switch (node.type) {
    case 'step-end':
      summary.usage = addUsage(summary.usage, node.usage);
      summary.overlapSavedMs += node.overlapMs ?? 0;
      return;
    case 'compaction-end':
      // The summary was a model call too, billed like a step.
      if (node.usage) summary.usage = addUsage(summary.usage, node.usage);
      return;
    case 'tool-call-end':
    case 'tool-call-invalid': {
      const status = node.type === 'tool-call-end' ? node.status : 'error';
      summary.toolCalls.total += 1;
      summary.toolCalls.byStatus[status] += 1;
      summary.toolCalls.byTool[node.toolName] = (summary.toolCalls.byTool[node.toolName] ?? 0) + 1;
      return;
    }
    case 'step-retry':
      if (node.agentId === 'main') summary.retries.push({ step: node.step, attempt: node.attempt, delayMs: node.delayMs, reason: node.reason });
      return;
    case 'run-end':
      if (node.agentId !== 'main') return;
      summary.result = node.text;
      summary.reason = node.reason;
      summary.steps = node.steps;
      if (node.error) summary.error = node.error;
      if (node.errorKind) summary.errorKind = node.errorKind;
      return;
  }
}

const STATUS_MARKS: Record<ToolCallStatus, string> = { ok: '✓', error: '✗', denied: '⊘', cancelled: '◌' };

function formatToolLine(
  node: Extract<AgentNode, { type: 'tool-call-end' | 'tool-call-invalid' }>,
  descriptions: ReadonlyMap<string, string>,
): string {
  const indent = node.agentId === 'main' ? '' : '    ';
  if (node.type === 'tool-call-invalid') return `${indent}${STATUS_MARKS.error} ${node.toolName}  invalid call: ${node.error.split('\n')[0]}`;
  const description = descriptions.get(callKey(node.agentId, node.toolCallId));
  const parts = [`${STATUS_MARKS[node.status]} ${node.toolName}${description ? ` ${description}` : ''}`, node.summary];
  if (node.status === 'ok' || node.status === 'error') parts.push(`${Math.round(node.durationMs)} ms`);
  return indent + parts.join('  ');
}

function formatWait(delayMs: number): string {
  if (delayMs <= 0) return 'now';
  return delayMs < 1000 ? `in ${Math.round(delayMs)}ms` : `in ${Math.ceil(delayMs / 1000)}s`;
}

function endMessage(summary: HeadlessSummary): string {
  switch (summary.reason) {
    case 'aborted':
      return 'interrupted.';
    case 'step-limit':
      return `stopped at the step limit (${summary.steps} model steps) before the task was done; raise it with --max-steps.`;
    default:
      return summary.error ?? 'the run failed.';
  }
}

/** The plan as lines for stderr: "plan: 1 of 3 done", then one line per step with its mark. */
function planText(plan: readonly PlanStep[], explanation: string | undefined): string {
  const lines = plan.map((item) => `  ${PLAN_MARKS[item.status]} ${item.step}`);
  return [`plan: ${progressOf(plan)}${explanation ? ` · ${explanation}` : ''}`, ...lines].join('\n');
}

/** `-p "/init [FOLDER]"` runs /init as the TUI does (its write is denied unless allowed); any other prompt is sent as it is. */
async function expandInit(prompt: string, cwd: string): Promise<{ prompt: string } | { error: string }> {
  const init = parseInitCommand(prompt);
  if (!init) return { prompt };
  const built = await createInitPrompt({ cwd, folder: init.folder });
  return 'error' in built ? built : { prompt: `${prompt.trim()}\n\n${built.prompt}` };
}
