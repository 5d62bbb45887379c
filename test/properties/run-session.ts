import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ModelMessage } from 'ai';
import type { ApprovalRequest, RequestApproval } from '../../src/agent/calls/approval';
import { denyAll } from '../../src/agent/calls/approval';
import { runAgent } from '../../src/agent/loop';
import type { AgentNode, ApprovalDecision } from '../../src/agent/nodes';
import { createMainTools, createReadOnlyTools } from '../../src/tools';
import { createRegistry, type ToolRegistry } from '../../src/tools/registry';
import type { StartResearch } from '../../src/tools/research-codebase';
import type { ShoalTool } from '../../src/tools/types';
import { createScriptedModel, sleep, type ScriptedStep } from '../helpers/scripted-model';
import type { ApprovalChoice, GeneratedCall, GeneratedSession, GeneratedStep } from './session-arbitrary';
import { snapshotTree, type TreeSnapshot } from './workspace-model';

/** Name of the workspace inside each case's own temporary directory; its parent is snapshotted too, to catch escapes. */
export const WORKSPACE_DIR = 'workspace';

/** One approval request the scripted user saw, and how it was answered (`pending` when the run was interrupted first). */
export interface AnsweredApproval {
  request: ApprovalRequest;
  answer: ApprovalDecision | 'pending' | 'session-allowed';
}

/** Everything one session left behind for the properties to check. */
export interface SessionRun {
  /** Every node of every turn, in stream order. */
  nodes: AgentNode[];
  /** Each turn's nodes on its own. */
  turns: AgentNode[][];
  /** The temporary directory (parent of the workspace) before and after, every tool call settled. */
  before: TreeSnapshot;
  after: TreeSnapshot;
  approvals: AnsweredApproval[];
  /** The generated calls by id, main agent only, every turn. */
  calls: Map<string, GeneratedCall>;
  /** The responses each turn's model played (ids made unique per turn). */
  scripts: GeneratedStep[][];
  /** True when the abort plan fired. */
  isAborted: boolean;
  /** Tools the user allowed for the rest of the session, as the UI remembers them across turns. */
  sessionAllowed: Set<string>;
}

/**
 * Runs a generated session through the real `runAgent` and the real tools on a
 * fresh temporary workspace: the scripted model plays the session's responses
 * (then answers "done"), the scripted user answers approvals from the session
 * and remembers allow-session like the UI does, and the abort plan interrupts.
 * Each turn replays the same responses; the second turn starts from the first
 * one's history, as the UI would send it. Removes the workspace afterwards.
 */
export async function runSession(session: GeneratedSession, options: { turns?: number } = {}): Promise<SessionRun> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'shoal-property-')));
  const cwd = path.join(root, WORKSPACE_DIR);
  try {
    for (const [relative, contents] of Object.entries(session.files)) {
      await mkdir(path.dirname(path.join(cwd, relative)), { recursive: true });
      await writeFile(path.join(cwd, relative), contents);
    }
    const before = await snapshotTree(root);
    const inFlight: Promise<unknown>[] = [];
    const tools = trackExecutions(
      createMainTools({ cwd, startResearch: createScriptedResearch(session.research, cwd, inFlight) }),
      inFlight,
    );
    const run: Omit<SessionRun, 'before' | 'after'> = {
      nodes: [],
      turns: [],
      approvals: [],
      calls: new Map(),
      scripts: [],
      isAborted: false,
      sessionAllowed: new Set(),
    };
    const history: ModelMessage[] = [];
    for (let turn = 1; turn <= (options.turns ?? 1) && !run.isAborted; turn++) {
      history.push({ role: 'user', content: `turn ${turn}` });
      const steps = session.steps.map((step) => ({ ...step, calls: step.calls.map((call) => ({ ...call, id: turnCallId(call.id, turn) })) }));
      for (const call of steps.flatMap((step) => step.calls)) run.calls.set(call.id, call);
      run.scripts.push(steps);
      await runTurn({ ...session, steps }, tools, history, run);
    }
    // A tool the abort raced past may still be finishing: the disk is judged once everything has settled.
    for (let settled = 0; settled < inFlight.length; ) {
      const pending = inFlight.length;
      await Promise.allSettled(inFlight);
      settled = pending;
    }
    return { ...run, before, after: await snapshotTree(root) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function runTurn(
  session: GeneratedSession,
  tools: ToolRegistry,
  history: ModelMessage[],
  run: Omit<SessionRun, 'before' | 'after'>,
): Promise<void> {
  const controller = new AbortController();
  const interrupt = () => {
    run.isAborted = true;
    controller.abort(new Error('Interrupted by the user'));
  };
  const model = createScriptedModel((_options, index) => toScriptedStep(session.steps[index]) ?? { text: 'done' });
  const { sessionAllowed } = run;
  const requestApproval: RequestApproval = (request, signal) => {
    const ordinal = run.approvals.length;
    const answered: AnsweredApproval = { request, answer: 'pending' };
    run.approvals.push(answered);
    if (session.abort.type === 'at-approval' && session.abort.ordinal === ordinal) {
      // The prompt is on screen and the user presses Esc instead of answering: the promise never settles.
      setTimeout(interrupt, 0);
      return new Promise(() => {});
    }
    if (sessionAllowed.has(request.toolName)) {
      answered.answer = 'session-allowed';
      return Promise.resolve({ type: 'allow' });
    }
    const choice = run.calls.get(request.toolCallId)?.approval ?? { decision: { type: 'deny' }, latency: 'sync' };
    return answerAfter(choice, signal).then((decision) => {
      answered.answer = decision;
      if (decision.type === 'allow-session') sessionAllowed.add(request.toolName);
      return decision;
    });
  };

  const nodes: AgentNode[] = [];
  let callsStarted = 0;
  for await (const node of runAgent({
    model,
    instructions: 'property test',
    messages: [...history],
    tools,
    signal: controller.signal,
    requestApproval,
    maxRetries: 0,
  })) {
    const { abort } = session;
    if (abort.type === 'at-node' && abort.index === run.nodes.length) interruptAfter(abort.delayMs, interrupt);
    if (abort.type === 'at-call-start' && node.type === 'tool-call-start' && node.agentId === 'main' && abort.ordinal === callsStarted++) {
      interruptAfter(abort.delayMs, interrupt);
    }
    nodes.push(node);
    run.nodes.push(node);
    if (node.type === 'history-append' && node.agentId === 'main') history.push(...node.messages);
  }
  run.turns.push(nodes);
}

/** Calls `interrupt` now (0) or after `delayMs`, while the run goes on. */
function interruptAfter(delayMs: number, interrupt: () => void): void {
  if (delayMs === 0) interrupt();
  else setTimeout(interrupt, delayMs);
}

/** Tool call ids stay unique across turns: the first turn keeps the generated ids. */
function turnCallId(id: string, turn: number): string {
  return turn === 1 ? id : `${id}/t${turn}`;
}

/** The scripted user's answer, after the choice's latency; never settles once the run is interrupted. */
function answerAfter(choice: ApprovalChoice, signal: AbortSignal): Promise<ApprovalDecision> {
  if (choice.latency === 'sync') return Promise.resolve(choice.decision);
  const wait = choice.latency === 'tick' ? new Promise<void>((resolve) => setTimeout(resolve, 0)) : sleep(choice.latency, signal);
  return wait.then(
    () => choice.decision,
    () => new Promise<never>(() => {}),
  );
}

function toScriptedStep(step: GeneratedStep | undefined): ScriptedStep | undefined {
  if (!step) return undefined;
  return {
    ...(step.text === undefined ? {} : { text: step.text }),
    calls: step.calls.map((call) => ({ toolName: call.toolName, input: call.input, id: call.id })),
  };
}

/**
 * A `startResearch` that runs the real loop as a sub-agent with the real
 * read-only tools, its model playing the session's script for that question.
 */
function createScriptedResearch(scripts: GeneratedSession['research'], cwd: string, inFlight: Promise<unknown>[]): StartResearch {
  const reads = trackExecutions(createRegistry(createReadOnlyTools({ cwd })), inFlight);
  return ({ question, toolCallId, signal }) => {
    const script = scripts[question] ?? [];
    return runAgent({
      model: createScriptedModel((_options, index) => toScriptedStep(script[index]) ?? { text: `report on ${question}` }),
      instructions: 'research',
      messages: [{ role: 'user', content: question }],
      tools: reads,
      signal,
      requestApproval: denyAll,
      agentId: `research:${toolCallId}`,
      parentToolCallId: toolCallId,
      maxRetries: 0,
    });
  };
}

/** The same tools, each `execute` promise recorded so the test can wait for work an abort raced past. */
function trackExecutions(tools: ToolRegistry, inFlight: Promise<unknown>[]): ToolRegistry {
  return createRegistry(
    [...tools.values()].map(
      (tool): ShoalTool => ({
        ...tool,
        execute: (input, context) => {
          const execution = tool.execute(input, context);
          inFlight.push(execution.catch(() => {}));
          return execution;
        },
      }),
    ),
  );
}
