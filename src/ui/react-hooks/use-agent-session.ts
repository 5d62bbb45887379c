import type { LanguageModel, ModelMessage } from 'ai';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { answerUnasked, PLAN_MODE_NOTE, type ApprovalMode, type RequestApproval } from '../../agent/calls/approval';
import { runAgent } from '../../agent/loop';
import { now } from '../../agent/text';
import { userContent, type PromptImage } from '../../agent/user-content';
import type { ContextWindow } from '../../models/context-window';
import type { ProviderOptions } from '../../models/model';
import type { ModelPrice } from '../../models/prices';
import { createContextBudget, type ContextBudget } from '../../agent/context/budget';
import type { AttachFolderInstructions } from '../../agent/instructions/folder-delivery';
import type { AgentNode, ApprovalDecision } from '../../agent/nodes';
import type { SessionRecorder } from '../../session/recorder';
import type { ToolSource } from '../../tools/registry';
import type { WebAccess } from '../../tools/web/access';
import { callKey } from '../../state/call-key';
import { initialSessionState, reduce } from '../../state/reducer';
import type { NoticeView, SessionState, UiEvent } from '../../state/types';
import { conversationPrompts, type ConversationPrompt } from '../rewind/prompts';
import { waitForCheckpoint } from '../rewind/wait-for-checkpoint';
import type { HookRunner } from '../../hooks/runner';
import { runPromptSubmit, runSessionEnd, runSessionStart, withHookContext } from '../../hooks/prompt-hooks';
import type { NodeBody } from '../../agent/nodes';

/** What the interactive session runs with; `model` may change with /model. */
export interface AgentSessionOptions {
  model: LanguageModel;
  providerOptions?: ProviderOptions;
  /** `model`'s price, when known: turns then show their cost. */
  price?: ModelPrice;
  /** The tools, or a getter the loop reads each step (MCP tools join as their servers start). */
  tools: ToolSource;
  instructions: string;
  /**
   * Builds the instructions again at each prompt, so a root AGENTS.md written
   * or edited during the session (by /init, say) is in the next request's; the
   * text only changes, and the server's prompt cache with it, when the file does.
   */
  loadInstructions?: () => Promise<string>;
  approvalMode: ApprovalMode;
  /** Tools allowed without asking from the start (configuration). */
  allowedTools?: readonly string[];
  /** The domains web_fetch reads without asking; the same object the tools classify fetches with, so `a` on a fetch makes the next one a read. */
  webAccess?: WebAccess;
  maxSteps?: number;
  concurrency?: number;
  /** The conversation so far, when resuming a saved session. */
  initialHistory?: readonly ModelMessage[];
  /** Saves the conversation as it goes. */
  recorder?: SessionRecorder;
  /** The id of `model`, for its context window. */
  modelId?: string;
  /** The window of a model by id; without it the conversation never compacts. */
  contextWindowOf?: (modelId: string) => ContextWindow;
  compactAt?: number;
  /**
   * Called as a turn starts, once its prompt is in the history and saved, before the model request.
   * Contract: returns at once (a checkpoint is started, never awaited here); `ordinal` is the prompt's in `prompts()`.
   * The promise it may return holds back the turn's writes and commands (never its model request or reads) until it settles.
   */
  onTurnStart?: (turn: { ordinal: number; prompt: string }) => Promise<unknown> | void;
  /** Gives the model the instructions of the subfolders it works in (see createFolderInstructions). */
  folderInstructions?: AttachFolderInstructions;
  /** The user's hooks: SessionStart at start and after /clear, SessionEnd at /clear, UserPromptSubmit before each prompt is sent, the rest in the loop. */
  hooks?: HookRunner;
}

/** The session as the UI sees it, and what the UI can do to it. */
export interface AgentSession {
  state: SessionState;
  isRunning: boolean;
  approvalMode: ApprovalMode;
  setApprovalMode: (mode: ApprovalMode) => void;
  /** Starts a turn with the user's prompt, and what was attached to it for the model only; ignored while one runs. */
  submit: (prompt: string, attached?: PromptAttachments) => void;
  /** Answers the pending approval of one call; a second answer to the same call is ignored. */
  answerApproval: (agentId: string, toolCallId: string, toolName: string, decision: ApprovalDecision) => void;
  /** Interrupts the running turn: in-flight tools are cancelled and every call gets its result. */
  interrupt: () => void;
  /** Adds a line from shoal to the transcript. */
  notify: (text: string, tone?: NoticeView['tone']) => void;
  /** Starts a new conversation. */
  clear: () => void;
  /** Adds a note for the model to the history, read with the next prompt (e.g. that files were restored). */
  tellModel: (text: string) => void;
  /** Compacts the conversation now (/compact), keeping `focus` especially; ignored while a turn runs. */
  compact: (focus?: string) => void;
  /** Messages sent while the turn runs, oldest first, not yet delivered to the model. */
  queued: readonly string[];
  /** Queues a message for the running turn's next step (or the next turn); false when the queue is full. */
  queueMessage: (text: string) => boolean;
  /** Takes the newest queued message back out of the queue (to edit or drop it), if any. */
  unqueueLast: () => string | undefined;
  /** The running and finished conversation as the model sees it; read it, never change it. */
  history: () => readonly ModelMessage[];
  /** The conversation's prompts, oldest first (shoal's own notes to the model left out). */
  prompts: () => ConversationPrompt[];
  /** Cuts the conversation to the messages before `prompt` and saves that; false (nothing done) while a turn runs. */
  rewindConversation: (prompt: ConversationPrompt) => boolean;
}

/** What a prompt brings beside its text: attached files' text (`context`, after the prompt) and images. */
export interface PromptAttachments {
  context?: string;
  images?: readonly PromptImage[];
}

/** Most messages waiting at once: a queue is for a correction or two, not a script. */
export const MAX_QUEUED_MESSAGES = 10;

// Nodes arrive in bursts (a token per node while streaming); folding them per
// frame keeps React from rendering once per token.
const FLUSH_MS = 16;

/**
 * The one hook that runs the agent loop: it iterates the node stream, folds it
 * into state, keeps the conversation history, and turns approval requests into
 * promises that key presses resolve.
 */
export function useAgentSession(options: AgentSessionOptions): AgentSession {
  const [state, dispatch] = useReducer(
    (current: SessionState, events: (AgentNode | UiEvent)[]) => events.reduce(reduce, current),
    initialSessionState,
  );
  const [isRunning, setIsRunning] = useState(false);
  const [approvalMode, setApprovalModeState] = useState(options.approvalMode);
  const latest = useRef({ options, approvalMode });
  latest.current = { options, approvalMode };
  const history = useRef<ModelMessage[]>([...(options.initialHistory ?? [])]);
  // Indexes of the user messages that are shoal's notes (tellModel), not prompts: /rewind does not offer them.
  const notes = useRef(new Set<number>());
  const controller = useRef<AbortController | undefined>(undefined);
  const pendingApprovals = useRef(new Map<string, (decision: ApprovalDecision) => void>());
  const sessionAllowed = useRef(new Set<string>(options.allowedTools));
  // `a` on a command allows that command's prefix, never every command.
  const commandPrefixes = useRef<string[]>([]);
  const buffer = useRef<(AgentNode | UiEvent)[]>([]);
  const flushTimer = useRef<NodeJS.Timeout | undefined>(undefined);
  const queue = useRef<string[]>([]);
  const [queued, setQueued] = useState<readonly string[]>([]);
  const syncQueue = useCallback(() => setQueued([...queue.current]), []);

  const flush = useCallback(() => {
    flushTimer.current = undefined;
    if (buffer.current.length === 0) return;
    dispatch(buffer.current.splice(0));
  }, []);
  const enqueue = useCallback(
    (event: AgentNode | UiEvent, isUrgent = false) => {
      buffer.current.push(event);
      if (isUrgent) {
        clearTimeout(flushTimer.current);
        flush();
      } else {
        flushTimer.current ??= setTimeout(flush, FLUSH_MS);
      }
    },
    [flush],
  );
  useEffect(() => () => clearTimeout(flushTimer.current), []);
  const enqueueHookResults = useCallback((bodies: NodeBody[]) => {
    for (const body of bodies) enqueue({ ...body, agentId: 'main', time: now() } as AgentNode);
  }, [enqueue]);
  // What the SessionStart hooks said, for the model with the session's first prompt.
  const sessionContext = useRef<string | undefined>(undefined);
  useEffect(() => {
    void runSessionStart(options.hooks, options.initialHistory?.length ? 'resume' : 'startup').then((started) => {
      sessionContext.current = started.context;
      enqueueHookResults(started.bodies);
    });
  }, []);

  const requestApproval: RequestApproval = useCallback((request, signal) => {
    const { approvalMode } = latest.current;
    const { webAccess } = latest.current.options;
    const unasked = answerUnasked({ mode: approvalMode, request, sessionAllowed: sessionAllowed.current, commandPrefixes: commandPrefixes.current, webAccess });
    if (unasked) return Promise.resolve(unasked);
    const key = callKey(request.agentId, request.toolCallId);
    return new Promise<ApprovalDecision>((resolve) => {
      pendingApprovals.current.set(key, resolve);
      signal.addEventListener('abort', () => pendingApprovals.current.delete(key), { once: true });
    });
  }, []);
  // The checkpoint of the running turn: every write or command waits for it, so it holds the files as they were before the turn.
  const turnCheckpoint = useRef<Promise<unknown> | undefined>(undefined);
  const toolsSource = useRef<{ source: ToolSource; waiting: ToolSource } | undefined>(undefined);
  const toolsOf = (source: ToolSource): ToolSource => {
    if (toolsSource.current?.source !== source) toolsSource.current = { source, waiting: waitForCheckpoint(source, () => turnCheckpoint.current) };
    return toolsSource.current.waiting;
  };

  // One budget for the session: it learns how the server counts tokens, across turns and /model switches.
  const budget = useRef<ContextBudget | undefined>(undefined);
  if (options.contextWindowOf && !budget.current) {
    const windowOf = options.contextWindowOf;
    budget.current = createContextBudget({ window: () => windowOf(latest.current.options.modelId ?? ''), compactAt: options.compactAt });
  }

  const takeQueued = useCallback(() => {
    if (queue.current.length === 0) return [];
    const taken = queue.current.splice(0);
    syncQueue();
    return taken;
  }, [syncQueue]);

  const run = useCallback(
    ({ prompt, compactOnly, context, images }: { prompt: string; compactOnly?: { focus?: string } } & PromptAttachments) => {
      if (controller.current) return;
      const abort = new AbortController();
      controller.current = abort;
      setIsRunning(true);
      const { options: current } = latest.current;
      const startTurn = (hookContext: string | undefined) => {
        enqueue({ type: 'turn-start', prompt, time: now() }, true);
        if (!compactOnly) {
          // The transcript shows what was typed; the model (and a resumed session) gets the attached files and what hooks added too.
          const attached = withHookContext(context ? `${prompt}\n\n${context}` : prompt, [sessionContext.current, hookContext]);
          sessionContext.current = undefined;
          // In plan mode the model is told so with the prompt: the instructions, and the server's prompt cache, stay as they are.
          const content = latest.current.approvalMode === 'plan' ? `${attached}\n\n${PLAN_MODE_NOTE}` : attached;
          history.current.push({ role: 'user', content: userContent(content, images) });
          current.recorder?.recordPrompt(content, images);
          turnCheckpoint.current = current.onTurnStart?.({ ordinal: conversationPrompts(history.current, notes.current).length, prompt }) ?? undefined;
        }
      };
      void (async () => {
        let hookContext: string | undefined;
        // Without UserPromptSubmit hooks the turn starts in this same tick, as it always did.
        if (!compactOnly && current.hooks?.has('UserPromptSubmit')) {
          const submitted = await runPromptSubmit(current.hooks, prompt, abort.signal);
          enqueueHookResults(submitted.bodies);
          if (submitted.blockReason !== undefined || abort.signal.aborted) {
            if (submitted.blockReason !== undefined) enqueue({ type: 'notice', text: `A UserPromptSubmit hook blocked this prompt; it was not sent: ${submitted.blockReason}`, tone: 'error' }, true);
            if (controller.current === abort) controller.current = undefined;
            setIsRunning(false);
            return;
          }
          hookContext = submitted.context;
        }
        startTurn(hookContext);
        const instructions = current.loadInstructions ? await current.loadInstructions().catch(() => current.instructions) : current.instructions;
        for await (const node of runAgent({
          model: current.model,
          providerOptions: current.providerOptions,
          price: current.price,
          instructions,
          messages: history.current,
          tools: toolsOf(current.tools),
          signal: abort.signal,
          requestApproval,
          isPlanning: () => latest.current.approvalMode === 'plan',
          maxSteps: current.maxSteps,
          concurrency: current.concurrency,
          context: budget.current,
          compactOnly,
          takeQueuedMessages: compactOnly ? undefined : takeQueued,
          folderInstructions: current.folderInstructions,
          hooks: current.hooks,
        })) {
          // A cleared session drops what its old run still reports while it winds down.
          if (controller.current !== abort) continue;
          if (node.type === 'history-append' && node.agentId === 'main') history.current.push(...node.messages);
          if (node.type === 'history-replace' && node.agentId === 'main') {
            history.current = [...node.messages];
            // A compaction keeps the user's messages word for word; shoal's notes are no longer told apart.
            notes.current.clear();
          }
          if (node.type === 'user-message' && node.agentId === 'main') history.current.push({ role: 'user', content: node.text });
          current.recorder?.recordNode(node);
          // A prompt shows at once; a call the mode allows was answered before its request got here, and its
          // request and answer land in one frame, so no prompt flashes up and takes the keys typed meanwhile.
          const isAsking = node.type === 'approval-request' && pendingApprovals.current.has(callKey(node.agentId, node.toolCallId));
          enqueue(node, isAsking || node.type === 'run-end');
        }
        if (controller.current !== abort) return;
        controller.current = undefined;
        pendingApprovals.current.clear();
        setIsRunning(false);
        // The turn ended before a step boundary took them: what was queued starts the next turn.
        const left = takeQueued();
        if (left.length > 0) run({ prompt: left.join('\n\n') });
      })();
    },
    [enqueue, requestApproval, enqueueHookResults],
  );
  const submit = useCallback((prompt: string, attached?: PromptAttachments) => run({ prompt, ...attached }), [run]);
  const compact = useCallback((focus?: string) => run({ prompt: focus ? `/compact ${focus}` : '/compact', compactOnly: { focus } }), [run]);

  const answerApproval = useCallback((agentId: string, toolCallId: string, toolName: string, decision: ApprovalDecision) => {
    const key = callKey(agentId, toolCallId);
    const resolve = pendingApprovals.current.get(key);
    if (!resolve) return;
    pendingApprovals.current.delete(key);
    if (decision.type === 'allow-session' && decision.domain !== undefined) latest.current.options.webAccess?.allowForSession(decision.domain);
    else if (decision.type === 'allow-session' && decision.commandPrefix !== undefined) commandPrefixes.current.push(decision.commandPrefix);
    // `a` on a command or a fetch allows a prefix or a domain, never the whole tool.
    else if (decision.type === 'allow-session' && toolName !== 'bash' && toolName !== 'web_fetch') sessionAllowed.current.add(toolName);
    resolve(decision);
  }, []);

  const interrupt = useCallback(() => controller.current?.abort(new Error('Interrupted by the user')), []);
  const notify = useCallback((text: string, tone?: NoticeView['tone']) => enqueue({ type: 'notice', text, tone }, true), [enqueue]);
  const clear = useCallback(() => {
    controller.current?.abort(new Error('Cleared'));
    controller.current = undefined;
    pendingApprovals.current.clear();
    setIsRunning(false);
    history.current = [];
    notes.current.clear();
    queue.current = [];
    syncQueue();
    // SessionEnd reads the old session's id now, before the recorder starts the new one.
    const { hooks } = latest.current.options;
    const ended = runSessionEnd(hooks, 'clear');
    latest.current.options.recorder?.startNew();
    enqueue({ type: 'session-clear' }, true);
    sessionContext.current = undefined;
    void ended.then(async (bodies) => {
      enqueueHookResults(bodies);
      const started = await runSessionStart(hooks, 'clear');
      sessionContext.current = started.context;
      enqueueHookResults(started.bodies);
    });
  }, [enqueue, syncQueue, enqueueHookResults]);
  const setApprovalMode = useCallback((mode: ApprovalMode) => {
    // At once, not at the next render: a prompt sent right after the switch runs in the new mode.
    latest.current = { ...latest.current, approvalMode: mode };
    latest.current.options.hooks?.setPermissionMode(mode);
    setApprovalModeState(mode);
  }, []);
  const tellModel = useCallback((text: string) => {
    notes.current.add(history.current.length);
    history.current.push({ role: 'user', content: text });
  }, []);
  const prompts = useCallback(() => conversationPrompts(history.current, notes.current), []);
  const rewindConversation = useCallback(
    (prompt: ConversationPrompt) => {
      if (controller.current) return false;
      history.current = history.current.slice(0, prompt.messageIndex);
      for (const index of notes.current) if (index >= prompt.messageIndex) notes.current.delete(index);
      queue.current = [];
      syncQueue();
      latest.current.options.recorder?.recordRewind(history.current);
      return true;
    },
    [syncQueue],
  );

  const queueMessage = useCallback(
    (text: string) => {
      if (queue.current.length >= MAX_QUEUED_MESSAGES) return false;
      queue.current.push(text);
      syncQueue();
      return true;
    },
    [syncQueue],
  );
  const unqueueLast = useCallback(() => {
    const last = queue.current.pop();
    if (last !== undefined) syncQueue();
    return last;
  }, [syncQueue]);
  const readHistory = useCallback(() => history.current, []);

  return {
    state,
    isRunning,
    approvalMode,
    setApprovalMode,
    submit,
    answerApproval,
    interrupt,
    notify,
    clear,
    tellModel,
    compact,
    queued,
    queueMessage,
    unqueueLast,
    history: readHistory,
    prompts,
    rewindConversation,
  };
}
