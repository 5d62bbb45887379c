import { Box, Static, Text, useApp, useInput, useWindowSize } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ModelChoice } from '../models/model';
import type { ResumedTurn, SessionRecorder } from '../session/recorder';
import type { WriteJournal } from '../tools';
import { nextApprovalMode } from '../agent/approval';
import { selectActivity, selectLiveNotices, selectLiveStep, selectLiveTurn, selectPendingApproval, selectStats, selectTranscript } from '../state/selectors';
import { ApprovalPrompt } from './ApprovalPrompt';
import type { McpManager } from '../tools/mcp/client';
import { helpText, mcpText, parseSlashCommand, statsText, undoText } from './commands';
import { toVisibleText } from './visible-text';
import { Composer } from './Composer';
import { ErrorBoundary } from './ErrorBoundary';
import { LiveTurn } from './LiveTurn';
import { SpinnerClock } from './SpinnerClock';
import { StatusBar } from './StatusBar';
import { TranscriptEntry } from './TranscriptEntry';
import { useAgentSession, type AgentSessionOptions } from './use-agent-session';

export interface AppProps extends Omit<AgentSessionOptions, 'model' | 'providerOptions'> {
  initialModel: ModelChoice;
  /** Contract: builds the model for /model NAME; throws with a message the user can act on. */
  selectModel: (name: string) => ModelChoice;
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
  /** Restores the files of approved edit batches, for /undo. */
  journal?: WriteJournal;
  /** The text of /sessions: this workspace's saved sessions. */
  describeSessions?: () => string;
  /** Called after the user asks to exit. */
  onExit?: () => void;
  /** Asks the server for a model's window, after the first frame and after /model. */
  probeContextWindow?: (modelId: string) => Promise<void>;
  /** The session's MCP servers, for /mcp and a line when one is ready or fails. */
  mcp?: Pick<McpManager, 'servers' | 'subscribe'>;
}

/** The interactive UI: the settled transcript in Static, the live step, approvals, the prompt box and the status bar. */
export function App(props: AppProps) {
  const { exit } = useApp();
  const { rows, columns } = useWindowSize();
  const [modelChoice, setModelChoice] = useState(props.initialModel);
  const [epoch, setEpoch] = useState(0);
  const notifyRef = useRef<(text: string, tone?: 'info' | 'error') => void>(() => {});
  const [recorder] = useState(() => props.createRecorder?.((error) => notifyRef.current(`This session is not being saved: ${error.message}`, 'error')));
  const session = useAgentSession({
    ...props,
    recorder,
    model: modelChoice.model,
    modelId: modelChoice.modelId,
    providerOptions: modelChoice.providerOptions,
  });
  notifyRef.current = session.notify;
  const { state } = session;
  const transcript = useMemo(() => selectTranscript(state), [state.turns, state.notices]);
  const liveTurn = selectLiveTurn(state);
  const pending = selectPendingApproval(state);

  useEffect(() => {
    session.notify(props.greeting);
    for (const turn of props.resumedTurns ?? []) {
      session.notify(`› ${turn.prompt}`, 'prompt');
      if (turn.answer) session.notify(turn.answer, 'markdown');
    }
    // After the first frame: finding the line may take a network round trip.
    void props.lateNote?.().then((note) => note && session.notify(note));
    return props.mcp?.subscribe((event) => {
      const name = toVisibleText(event.server);
      if (event.type === 'failed') session.notify(`MCP server ${name} failed: ${toVisibleText(event.reason)}`, 'error');
      else session.notify(`MCP server ${name} ready: ${event.toolCount} ${event.toolCount === 1 ? 'tool' : 'tools'} (/mcp lists them)`);
    });
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
    else if (key.escape && session.isRunning && !pending) session.interrupt();
  });

  const submit = (text: string): boolean => {
    const command = parseSlashCommand(text);
    if (!command) {
      if (session.isRunning) {
        session.notify('A turn is still running: wait for it, or press Esc to interrupt it.');
        return false;
      }
      session.submit(text);
      return true;
    }
    switch (command.type) {
      case 'help':
        session.notify(helpText());
        break;
      case 'clear':
        session.clear();
        setEpoch((value) => value + 1);
        break;
      case 'stats':
        session.notify(statsText(selectStats(state)));
        break;
      case 'undo': {
        const plan = props.journal?.nextUndo();
        if (session.isRunning) session.notify('A turn is running: wait for it, or press Esc, then /undo.');
        else if (!plan) session.notify('Nothing to undo: no file was edited in this session yet.');
        else {
          void props.journal!.undoLastBatch().then((result) => {
            if (!result) return;
            const text = undoText(result);
            session.notify(text);
            session.tellModel(`(The user ran /undo. ${text.replace(/\n\s*/g, '; ')}. Read files again before editing them.)`);
          });
        }
        break;
      }
      case 'sessions':
        session.notify(props.describeSessions?.() ?? 'Sessions are not saved in this run.');
        break;
      case 'mcp':
        session.notify(mcpText(props.mcp?.servers() ?? []));
        break;
      case 'exit':
        quit();
        break;
      case 'compact':
        if (session.isRunning) session.notify('A turn is running: wait for it, or press Esc, then /compact.');
        else if (!props.contextWindowOf) session.notify('Compaction is not available in this run.');
        else session.compact(command.focus);
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
        try {
          setModelChoice(props.selectModel(command.name));
          session.notify(`Model: ${command.name}`);
        } catch (error) {
          session.notify((error as Error).message, 'error');
        }
        break;
      case 'invalid':
        session.notify(command.message, 'error');
        break;
    }
    return true;
  };

  return (
    <SpinnerClock isActive={session.isRunning}>
      <Box flexDirection="column">
        <Static key={epoch} items={transcript}>
          {(item) => (
            // Static lays items out absolutely, where nothing stretches them to the screen's width:
            // without an explicit width, a truncated row overflows by its leading columns.
            <Box key={item.key} flexDirection="column" width={columns}>
              <ErrorBoundary what="this entry">
                <TranscriptEntry item={item} />
              </ErrorBoundary>
            </Box>
          )}
        </Static>
        {liveTurn ? (
          <ErrorBoundary what="the running step">
            <LiveTurn turn={liveTurn} step={selectLiveStep(state)} maxTextLines={Math.max(3, rows - 14)} maxCallRows={Math.max(3, rows - 12)} />
          </ErrorBoundary>
        ) : null}
        {selectLiveNotices(state).map((notice) => (
          <Text key={notice.id} color={notice.tone === 'error' ? 'red' : undefined} dimColor={notice.tone === 'info'}>
            {notice.text}
          </Text>
        ))}
        {state.problems.length > 0 ? <Text color="red">{`internal: ${state.problems.at(-1)}`}</Text> : null}
        {pending ? (
          <ApprovalPrompt
            // A call asked again shows a new preview: start it afresh (top of the diff, no pager).
            key={`${pending.key}:${pending.askedAgainBecause ?? ''}:${pending.preview?.type === 'diff' ? pending.preview.binding : ''}`}
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
        <Composer
          isActive={!pending}
          onSubmit={submit}
          onExit={quit}
          placeholder={session.isRunning ? 'Esc interrupts' : 'Ask shoal to explore or change this repository · /help'}
        />
        <StatusBar
          modelId={modelChoice.modelId}
          workspace={props.workspaceLabel}
          approvalMode={session.approvalMode}
          usage={state.usage}
          context={state.context}
          activity={selectActivity(state)}
        />
      </Box>
    </SpinnerClock>
  );
}
