import { Box, Static, Text, useApp, useInput, useWindowSize } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ModelChoice } from '../models/model';
import type { PromptHistoryStore } from '../session/prompt-history';
import type { ResumedTurn, SessionRecorder } from '../session/recorder';
import { sessionDiff, type WriteJournal } from '../tools';
import { nextApprovalMode } from '../agent/calls/approval';
import {
  selectActivity,
  selectLastReasoning,
  selectLastTurnWithCalls,
  selectLiveNotices,
  selectLiveStep,
  selectLiveTurn,
  selectPendingApproval,
  selectStats,
  selectTranscript,
} from '../state/selectors';
import { ApprovalPrompt } from './approval/ApprovalPrompt';
import { toVisibleBlock } from './visible-text';
import type { CommandFolderRead } from '../config/commands';
import { diffText, helpText, hooksText, mcpEventText, mcpText, parseSlashCommand, reasoningText, statsText } from './commands/commands';
import { customHelpLines } from './commands/custom-commands';
import { useCustomCommands } from './commands/use-custom-commands';
import { Composer, type ComposerProps } from './composer/Composer';
import { resumedResearchText, showCallText, showListText } from './commands/show-command';
import { forgetTrustText, trustStatusText, type FolderTrust } from './commands/trust-command';
import { createInitPrompt } from '../agent/instructions/init-prompt';
import { agentsText } from './commands/agents-command';
import type { UserAgent } from '../agent/user-agents/definition';
import { notifyHooks } from '../hooks/prompt-hooks';
import { hookLine } from '../agent/hook-line';
import type { McpManager } from '../tools/mcp/client';
import type { CheckpointStore } from '../checkpoints';
import { RewindChoice } from './rewind/RewindChoice';
import { RewindConfirm } from './rewind/RewindConfirm';
import { RewindPicker } from './rewind/RewindPicker';
import { useCheckpoints } from './rewind/use-checkpoints';
import { useRewind } from './rewind/use-rewind';
import { ErrorBoundary } from './ErrorBoundary';
import { LiveTurn } from './transcript/LiveTurn';
import { SpinnerClock } from './transcript/SpinnerClock';
import { PlanChoice } from './approval/PlanChoice';
import { StatusBar } from './StatusBar';
import { TranscriptEntry } from './transcript/TranscriptEntry';
import { MAX_QUEUED_MESSAGES, useAgentSession, type AgentSessionOptions } from './react-hooks/use-agent-session';
import { REASONING_KEY, useReasoningToggle } from './react-hooks/use-reasoning-toggle';
import { QueuedMessages } from './transcript/QueuedMessages';
import type { NotifyMode } from './react-hooks/notification';
import { useNotifications } from './react-hooks/use-notifications';
import { useSendPrompt } from './react-hooks/use-send-prompt';
import { useShellCommand } from './commands/use-shell-command';
import { useTurnEnd } from './react-hooks/use-turn-end';

export interface AppProps extends Omit<AgentSessionOptions, 'model' | 'providerOptions' | 'price'> {
  initialModel: ModelChoice;
  /** Contract: builds the model for /model NAME; rejects with a message the user can act on. */
  selectModel: (name: string) => Promise<ModelChoice>;
  /** Shown in the status bar, e.g. "~/src/app". */
  workspaceLabel: string;
  /** Lines shown once at start. */
  greeting: string;
  /** A line that may arrive after the first frame. */
  lateNote?: () => Promise<string | undefined>;
  /** Contract: makes the recorder that saves this conversation; `onError` reports a failed save. */
  createRecorder?: (onError: (error: Error) => void) => SessionRecorder;
  /** The turns of a resumed session, retold above the prompt. */
  resumedTurns?: readonly ResumedTurn[];
  /** Restores the files of approved edit batches, for /undo without checkpoints; names shoal's own writes for /rewind. */
  journal?: WriteJournal;
  /** Contract: builds the checkpoint store of a session, without I/O; without it no checkpoints are taken. */
  createCheckpoints?: (sessionId: string) => CheckpointStore;
  /** The text of /sessions: this workspace's saved sessions. */
  describeSessions?: () => string;
  /** How a turn's end or a waiting approval is announced (default `auto`). */
  notify?: NotifyMode;
  /** Writes bytes to the terminal outside Ink's frame (default: stdout); notifications use it. */
  writeTerminal?: (bytes: string) => void;
  /** Turns shorter than this end without a notification. */
  notifyAfterMs?: number;
  /** Called after the user asks to exit. */
  onExit?: () => void;
  /** Called once a turn has ended and no other began at once: the process can give the turn's memory back. */
  onTurnEnd?: () => void;
  /** Asks the server for a model's window, after the first frame and after /model. */
  probeContextWindow?: (modelId: string) => Promise<void>;
  /** The workspace root: `@` mentions pick and attach its files. */
  cwd?: string;
  /** This workspace's prompts of earlier runs, and where new ones are kept. */
  promptHistory?: PromptHistoryStore;
  /** Replaces $EDITOR for Ctrl+G (tests). */
  editPrompt?: ComposerProps['editPrompt'];
  /** The session's MCP servers, for /mcp and a line when one is ready or fails. */
  mcp?: Pick<McpManager, 'servers' | 'subscribe'>;
  /** Reads the user's (and a trusted project's) command files, after the first frame. Contract: never rejects. */
  loadCommands?: () => Promise<CommandFolderRead>;
  /** This folder's trust as the start settled it, for /trust; without it /trust says it is not available. */
  folderTrust?: FolderTrust;
  /** The user's own agents (and a trusted project's), for /agents. */
  agents?: readonly UserAgent[];
}

/** Two Esc presses on an empty prompt box within this long open /rewind. */
const DOUBLE_ESCAPE_MS = 800;

/** The interactive UI: the settled transcript in Static, the live step, approvals, the prompt box and the status bar. */
export function App(props: AppProps) {
  const { exit } = useApp();
  const { rows, columns } = useWindowSize();
  const [modelChoice, setModelChoice] = useState(props.initialModel);
  const [epoch, setEpoch] = useState(0);
  const notifyRef = useRef<(text: string, tone?: 'info' | 'error') => void>(() => {});
  const [recorder] = useState(() => props.createRecorder?.((error) => notifyRef.current(`This session is not being saved: ${error.message}`, 'error')));
  const checkpoints = useCheckpoints({ create: props.createCheckpoints, sessionId: () => recorder?.id, notify: (text) => notifyRef.current(text) });
  const session = useAgentSession({
    ...props,
    recorder,
    onTurnStart: checkpoints.take,
    model: modelChoice.model,
    modelId: modelChoice.modelId,
    providerOptions: modelChoice.providerOptions,
    price: modelChoice.price,
  });
  notifyRef.current = session.notify;
  const { state } = session;
  const [promptBack, setPromptBack] = useState<{ text: string; id: number } | undefined>(undefined);
  const rewind = useRewind({ session, checkpoints, journal: props.journal, onPromptBack: (text) => setPromptBack((last) => ({ text, id: (last?.id ?? 0) + 1 })) });
  const lastEscape = useRef(0);
  const shell = useShellCommand({ tools: props.tools, notify: session.notify, tellModel: session.tellModel });
  const sendPrompt = useSendPrompt({ cwd: props.cwd, session, isTakingImages: modelChoice.isTakingImages === true });
  const customCommands = useCustomCommands({ load: props.loadCommands, onNote: (note) => session.notify(note) });
  const submitRef = useRef<(text: string) => boolean>(() => false);
  const transcript = useMemo(() => selectTranscript(state), [state.turns, state.notices]);
  const liveTurn = selectLiveTurn(state);
  const pending = selectPendingApproval(state);
  useNotifications({
    mode: props.notify ?? 'auto',
    isRunning: session.isRunning,
    pending,
    write: props.writeTerminal ?? ((bytes) => process.stdout.write(bytes)),
    afterMs: props.notifyAfterMs,
    onNotify: (message) =>
      notifyHooks(props.hooks, message, (bodies) => {
        for (const body of bodies) if (body.type === 'hook-result' && (body.status !== 'ok' || body.text)) session.notify(hookLine(body));
      }),
  });
  useTurnEnd(session.isRunning, props.onTurnEnd);
  // A turn that planned (in plan mode) and ended well offers to carry the plan out.
  const [isChoosingAfterPlan, setIsChoosingAfterPlan] = useState(false);
  const lastTurnStatus = state.turns.at(-1)?.status;
  useEffect(() => {
    if (!session.isRunning && lastTurnStatus === 'done' && session.approvalMode === 'plan') setIsChoosingAfterPlan(true);
  }, [session.isRunning, lastTurnStatus]);
  const isReasoningExpanded = useReasoningToggle({
    onToggle: (isExpanded) => session.notify(isExpanded ? `Reasoning shown in full from now on (${REASONING_KEY} folds it).` : 'Reasoning folded to one line.'),
  });

  useEffect(() => {
    session.notify(props.greeting);
    for (const turn of props.resumedTurns ?? []) {
      session.notify(`› ${turn.prompt}`, 'prompt');
      for (const record of turn.research ?? []) session.notify(resumedResearchText(record));
      if (turn.answer) session.notify(turn.answer, 'markdown');
    }
    // After the first frame: finding the line may take a network round trip.
    void props.lateNote?.().then((note) => note && session.notify(note));
    return props.mcp?.subscribe((event) => session.notify(mcpEventText(event), event.type === 'failed' ? 'error' : undefined));
  }, []);
  // Off the first frame's path: the answer only matters once the conversation grows.
  useEffect(() => void props.probeContextWindow?.(modelChoice.modelId), [modelChoice.modelId]);

  const quit = () => {
    session.interrupt();
    props.onExit?.();
    exit();
  };

  useInput((input, key) => {
    if (key.tab && key.shift) session.setApprovalMode(nextApprovalMode(session.approvalMode));
  });
  // Esc reaches here only through the prompt box, once its picker or search did not take it:
  // one key, one meaning. While an approval waits, the prompt owns Esc (deny and stop).
  const onEscape = (isEmpty: boolean) => {
    if (session.isRunning) session.interrupt();
    else if (shell.isRunning) shell.stop();
    else if (isEmpty) {
      // Twice on an empty box opens /rewind; once does nothing, so a stray Esc costs nothing.
      const now = Date.now();
      if (now - lastEscape.current < DOUBLE_ESCAPE_MS) {
        lastEscape.current = 0;
        rewind.open();
      } else lastEscape.current = now;
    }
  };

  /** A prompt to the model: sent now, or queued for the next step while a turn runs. */
  const sendOrQueue = (prompt: string): boolean => {
    if (shell.isRunning) {
      session.notify('A command is still running: wait for it, or press Esc to stop it.');
      return false;
    }
    if (!session.isRunning) return sendPrompt(prompt);
    if (session.queueMessage(prompt)) return true;
    session.notify(`${MAX_QUEUED_MESSAGES} messages are already queued: edit one with Up, or wait for the next step.`, 'error');
    return false;
  };

  const runShell = (text: string): boolean => {
    if (shell.isRunning) {
      session.notify('A command is still running: wait for it, or press Esc to stop it.');
      return false;
    }
    if (session.isRunning) {
      session.notify('Your own commands run between turns: wait for this one, or press Esc to interrupt it.');
      return false;
    }
    const shellCommand = text.slice(1).trim();
    if (shellCommand) shell.run(shellCommand);
    else session.notify('Type a command after !, e.g. !git status', 'error');
    return Boolean(shellCommand);
  };

  /** /init: the transcript shows what was typed; the model gets the research-and-write prompt after it. */
  const startInit = async (cwd: string, text: string, folder: string | undefined) => {
    const init = await createInitPrompt({ cwd, folder });
    if ('error' in init) session.notify(init.error, 'error');
    else session.submit(text, { context: init.prompt });
  };

  const submit = (text: string): boolean => {
    if (text.startsWith('/') && !customCommands.isLoaded()) {
      // Typed before the command files were read (a few ms after the first frame): take it once they are.
      void customCommands.loaded.then(() => submitRef.current(text));
      return true;
    }
    // Never a shell command or another slash command: a command file's body is always a prompt.
    const expanded = customCommands.expand(text);
    if (expanded !== undefined) return sendOrQueue(expanded);
    const command = parseSlashCommand(text);
    if (!command) return text.startsWith('!') ? runShell(text) : sendOrQueue(text);
    switch (command.type) {
      case 'help':
        session.notify(helpText(customHelpLines(customCommands.set)));
        break;
      case 'clear':
        session.clear();
        setEpoch((value) => value + 1);
        break;
      case 'reasoning':
        if (session.isRunning) session.notify(`A turn is running: ${REASONING_KEY} shows its reasoning as it streams; /reasoning works once it ends.`);
        else session.notify(reasoningText(selectLastReasoning(state)));
        break;
      case 'stats':
        session.notify(statsText(selectStats(state), modelChoice.price));
        break;
      case 'undo':
        rewind.undo();
        break;
      case 'rewind':
        rewind.open(command.number);
        break;
      case 'show': {
        const turn = selectLastTurnWithCalls(state);
        session.notify(command.number === undefined ? showListText(turn) : showCallText({ turn, number: command.number, history: session.history() }));
        break;
      }
      case 'diff':
        if (!props.journal) session.notify('File edits are not tracked in this run.');
        else void sessionDiff(props.journal).then((result) => session.notify(diffText(result)));
        break;
      case 'sessions':
        session.notify(props.describeSessions?.() ?? 'Sessions are not saved in this run.');
        break;
      case 'mcp':
        session.notify(mcpText(props.mcp?.servers() ?? []));
        break;
      case 'agents':
        session.notify(agentsText(props.agents ?? []));
        break;
      case 'hooks':
        session.notify(hooksText(props.hooks?.describe() ?? []));
        break;
      case 'trust':
        if (!props.folderTrust) session.notify('Folder trust is not available in this run.');
        else if (!command.isForget) void trustStatusText(props.folderTrust).then((text) => session.notify(text));
        else void forgetTrustText(props.folderTrust).then(({ text, isError }) => session.notify(text, isError ? 'error' : 'info'));
        break;
      case 'exit':
        quit();
        break;
      case 'compact':
        if (session.isRunning) session.notify('A turn is running: wait for it, or press Esc, then /compact.');
        else if (!props.contextWindowOf) session.notify('Compaction is not available in this run.');
        else session.compact(command.focus);
        break;
      case 'init':
        if (session.isRunning) session.notify('A turn is running: wait for it, or press Esc, then /init.');
        else if (!props.cwd) session.notify('/init is not available in this run.');
        else void startInit(props.cwd, text, command.folder);
        break;
      case 'approval':
        if (command.mode) session.setApprovalMode(command.mode);
        session.notify(`Approval mode: ${command.mode ?? session.approvalMode}`);
        break;
      case 'model':
        if (!command.name) {
          session.notify(`Model: ${modelChoice.modelId}`);
          break;
        }
        void props.selectModel(command.name).then(
          (choice) => {
            setModelChoice(choice);
            session.notify(`Model: ${command.name}`);
          },
          (error: Error) => session.notify(error.message, 'error'),
        );
        break;
      case 'invalid':
        session.notify(command.message, 'error');
        break;
    }
    return true;
  };
  submitRef.current = submit;

  return (
    <SpinnerClock isActive={session.isRunning}>
      <Box flexDirection="column">
        <Static key={epoch} items={transcript}>
          {(item) => (
            // Static lays items out absolutely, where nothing stretches them to the screen's width:
            // without an explicit width, a truncated row overflows by its leading columns.
            <Box key={item.key} flexDirection="column" width={columns}>
              <ErrorBoundary what="this entry">
                <TranscriptEntry item={item} isReasoningExpanded={isReasoningExpanded} />
              </ErrorBoundary>
            </Box>
          )}
        </Static>
        {liveTurn ? (
          <ErrorBoundary what="the running step">
            <LiveTurn
              turn={liveTurn}
              step={selectLiveStep(state)}
              maxTextLines={Math.max(3, rows - 14)}
              maxCallRows={Math.max(3, rows - 12)}
              isReasoningExpanded={isReasoningExpanded}
            />
          </ErrorBoundary>
        ) : null}
        {selectLiveNotices(state).map((notice) => (
          <Text key={notice.id} color={notice.tone === 'error' ? 'red' : undefined} dimColor={notice.tone === 'info'}>
            {toVisibleBlock(notice.text)}
          </Text>
        ))}
        <QueuedMessages messages={session.queued} width={columns} />
        {shell.isRunning ? <Text color="yellow">{'running your command · Esc stops it'}</Text> : null}
        {state.problems.length > 0 ? <Text color="red">{`internal: ${state.problems.at(-1)}`}</Text> : null}
        {pending ? (
          <ApprovalPrompt
            // A call asked again shows a new preview: start it afresh (top of the diff, no pager).
            key={`${pending.key}:${pending.askedAgainBecause ?? ''}:${pending.preview?.type === 'diff' || pending.preview?.type === 'patch' ? pending.preview.binding : ''}`}
            call={pending}
            maxDiffLines={Math.max(8, rows - 10)}
            width={columns}
            onAnswer={(decision) => session.answerApproval(pending.agentId, pending.toolCallId, pending.toolName, decision)}
            onDenyAndStop={() => {
              session.answerApproval(pending.agentId, pending.toolCallId, pending.toolName, { type: 'deny' });
              // Interrupt once the loop has taken the denial, so this call reads denied and the rest cancelled.
              setTimeout(session.interrupt, 0);
            }}
          />
        ) : null}
        {rewind.flow?.stage === 'pick' ? <RewindPicker prompts={rewind.flow.prompts} onPick={rewind.pick} onCancel={rewind.cancel} width={columns} /> : null}
        {rewind.flow?.stage === 'choose' ? (
          <RewindChoice prompt={rewind.flow.prompt} codeUnavailable={rewind.flow.codeUnavailable} onChoose={rewind.choose} onCancel={rewind.cancel} />
        ) : null}
        {rewind.flow?.stage === 'confirm' ? <RewindConfirm question={rewind.flow.question} lines={rewind.flow.lines} onAnswer={rewind.flow.onAnswer} /> : null}
        {isChoosingAfterPlan && !session.isRunning ? (
          <PlanChoice
            onGo={(mode) => {
              setIsChoosingAfterPlan(false);
              session.setApprovalMode(mode);
              session.notify(`Approval mode: ${mode}`);
              sendPrompt('Go ahead with the plan.');
            }}
            onStay={() => setIsChoosingAfterPlan(false)}
          />
        ) : null}
        <Composer
          isActive={!pending && !(isChoosingAfterPlan && !session.isRunning) && !rewind.flow}
          replaceText={promptBack}
          onSubmit={submit}
          onExit={quit}
          onRecallQueued={session.unqueueLast}
          placeholder={
            session.isRunning
              ? 'Esc interrupts · Enter queues a message for the next step'
              : shell.isRunning
                ? 'Esc stops the command'
                : 'Ask shoal to explore or change this repository · @ attaches a file · !cmd runs one · /help'
          }
          cwd={props.cwd}
          history={props.promptHistory}
          editPrompt={props.editPrompt}
          width={columns}
          onEscape={onEscape}
        />
        <StatusBar
          modelId={modelChoice.modelId}
          workspace={props.workspaceLabel}
          approvalMode={session.approvalMode}
          usage={state.usage}
          context={state.context}
          lastCache={state.lastCache}
          activity={selectActivity(state)}
        />
      </Box>
    </SpinnerClock>
  );
}
