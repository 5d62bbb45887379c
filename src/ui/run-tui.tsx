import os from 'node:os';
import path from 'node:path';
import type { ModelMessage } from 'ai';
import { render } from 'ink';
import type { ApprovalMode } from '../agent/calls/approval';
import { createAgentTools, type AgentSetup } from '../agent/create-agent';
import type { ContextWindow } from '../models/context-window';
import type { ModelChoice } from '../models/model';
import { createFolderInstructions } from '../agent/instructions/folder-delivery';
import { loadMainInstructions } from '../agent/prompts';
import { readUserCommands, type CommandFile } from '../config/commands';
import { shoalDir } from '../config/paths';
import { createCheckpointStore } from '../checkpoints';
import { createPromptHistoryStore } from '../session/prompt-history';
import type { ResumedTurn, SessionRecorder } from '../session/recorder';
import { createWriteJournal } from '../tools';
import type { McpManager } from '../tools/mcp/client';
import { App } from './App';
import type { FolderTrust } from './commands/trust-command';
import type { NotifyMode } from './react-hooks/notification';
import { runSessionEnd, type SessionEndReason } from '../hooks/prompt-hooks';
import { loadMarkdown } from './markdown/Markdown';

/** What the interactive UI starts with. */
export interface TuiOptions {
  setup: AgentSetup;
  initialModel: ModelChoice;
  selectModel: (name: string) => Promise<ModelChoice>;
  approvalMode: ApprovalMode;
  /** Tools the configuration lets run without asking. */
  allowedTools?: readonly string[];
  maxSteps?: number;
  version: string;
  /** Lines shown under the greeting, e.g. where the model comes from. */
  notes?: readonly string[];
  /** A line that may arrive after the first frame (a local model server found on its usual port). */
  lateNote?: () => Promise<string | undefined>;
  /** A resumed conversation: its history, retold turn by turn. */
  resumed?: { messages: ModelMessage[]; turns: ResumedTurn[] };
  createRecorder?: (onError: (error: Error) => void) => SessionRecorder;
  describeSessions?: () => string;
  /** The window of a model by id; the conversation compacts to stay within it. */
  contextWindowOf?: (modelId: string) => ContextWindow;
  /** Asks the server for a model's window, after the first frame. */
  probeContextWindow?: (modelId: string) => Promise<void>;
  compactAt?: number;
  notify?: NotifyMode;
  /** The configured MCP servers: started after the first frame, stopped when the UI exits. */
  mcp?: McpManager;
  /** A trusted project's `.shoal/commands` files, as read when trust was decided (nothing for an untrusted folder). */
  projectCommands?: readonly CommandFile[];
  /** The project's files that wait for folder trust and what start-up decided about them, for /trust. */
  project?: FolderTrust['project'];
  /** Called once a turn has ended and no other began at once (main gives the turn's memory back). */
  onTurnEnd?: () => void;
}

/** Opens the Ink UI and resolves when the user exits. */
export async function runTui(options: TuiOptions): Promise<void> {
  const journal = createWriteJournal();
  // The tools follow /model: apply_patch is offered by the model in use (see offersApplyPatch), and sub-agents run on it.
  let current = options.initialModel;
  const selectModel = async (name: string) => {
    current = await options.selectModel(name);
    return current;
  };
  const tools = createAgentTools({
    ...options.setup,
    journal,
    mcp: options.mcp,
    modelId: () => current.modelId,
    isTakingImages: () => current.isTakingImages === true,
    currentModel: () => current,
  });
  const instructions = await loadMainInstructions(options.setup.cwd);
  const pathOptions = { env: process.env, platform: process.platform, homedir: os.homedir() };
  const stateDir = shoalDir('state', pathOptions);
  const promptHistory = createPromptHistoryStore({ stateDir, workspace: options.setup.cwd });
  const userCommands = path.join(shoalDir('config', pathOptions), 'commands');
  const loadCommands = async () => {
    const user = await readUserCommands(userCommands, homeRelative(userCommands));
    return { files: [...user.files, ...(options.projectCommands ?? [])], notes: user.notes };
  };
  const greeting = [`shoal ${options.version} · /help for commands and keys`, ...(options.notes ?? [])].join('\n');
  const instance = render(
    <App
      initialModel={options.initialModel}
      selectModel={selectModel}
      tools={tools}
      instructions={instructions}
      loadInstructions={() => loadMainInstructions(options.setup.cwd)}
      approvalMode={options.approvalMode}
      allowedTools={options.allowedTools}
      webAccess={options.setup.webAccess}
      lateNote={options.lateNote}
      initialHistory={options.resumed?.messages}
      resumedTurns={options.resumed?.turns}
      createRecorder={options.createRecorder}
      describeSessions={options.describeSessions}
      contextWindowOf={options.contextWindowOf}
      probeContextWindow={options.probeContextWindow}
      compactAt={options.compactAt}
      notify={options.notify}
      journal={journal}
      createCheckpoints={(sessionId) => createCheckpointStore({ workspace: options.setup.cwd, stateDir, sessionId })}
      maxSteps={options.maxSteps}
      concurrency={options.setup.concurrency}
      workspaceLabel={homeRelative(options.setup.cwd)}
      greeting={greeting}
      cwd={options.setup.cwd}
      folderInstructions={createFolderInstructions(options.setup.cwd)}
      promptHistory={promptHistory}
      mcp={options.mcp}
      loadCommands={loadCommands}
      agents={options.setup.agents}
      folderTrust={{ folderLabel: homeRelative(options.setup.cwd), cwd: options.setup.cwd, stateDir, project: options.project }}
      onTurnEnd={options.onTurnEnd}
      hooks={options.setup.hooks}
    />,
    // Ink turns itself non-interactive (final frame only) when CI is set; a person at a
    // terminal should get the live UI whatever their environment says.
    { exitOnCtrlC: false, maxFps: 30, interactive: Boolean(process.stdout.isTTY) },
  );
  // The first frame is out: now load the heavy markdown renderer, before the first answer needs it.
  void loadMarkdown();
  // Servers start once the first frame is out, never before it; their tools join the next model step.
  setImmediate(() => options.mcp?.start());
  const stop = endOnHangup(options.setup.hooks, () => instance.unmount());
  let endReason: SessionEndReason = 'other';
  try {
    await instance.waitUntilExit();
    if (!stop.signal()) endReason = 'prompt_input_exit';
  } finally {
    // Waited for, at most each hook's timeout: a hook that hangs is killed, never left holding shoal.
    await runSessionEnd(options.setup.hooks, endReason);
    await options.mcp?.close();
    stop.remove();
  }
  const signal = stop.signal();
  if (signal) {
    // Dies of the signal, as it would have without SessionEnd hooks (its exit code says so).
    process.kill(process.pid, signal);
    await new Promise(() => {});
  }
}

/** The signals that end a session from outside: the terminal closed (SIGHUP), or a kill. */
const ENDING_SIGNALS = ['SIGHUP', 'SIGTERM'] as const;
/** What writing to or reading from a terminal that has closed fails with. */
const TERMINAL_GONE = new Set(['EIO', 'EPIPE', 'ENXIO']);

/**
 * With SessionEnd hooks configured, a closed terminal (its input ends, its
 * output fails, SIGHUP comes) or a SIGTERM ends the session as quitting does,
 * with reason `other`: `end` unmounts the UI, the hooks run, and runTui then
 * re-raises the signal `signal()` names. Signals that come meanwhile wait
 * with it until `remove`. Without such hooks nothing changes: shoal dies of
 * the signal at once.
 */
function endOnHangup(hooks: TuiOptions['setup']['hooks'], end: () => void): { signal: () => NodeJS.Signals | undefined; remove: () => void } {
  let received: NodeJS.Signals | undefined;
  const stopWith = (signal: NodeJS.Signals) => {
    if (received) return;
    received = signal;
    end();
  };
  const onInputEnd = () => stopWith('SIGHUP');
  const onStreamError = (error: NodeJS.ErrnoException) => {
    if (!TERMINAL_GONE.has(error.code ?? '')) throw error;
    stopWith('SIGHUP');
  };
  const isWatching = hooks?.has('SessionEnd', 'other') === true;
  if (isWatching) {
    for (const signal of ENDING_SIGNALS) process.on(signal, stopWith);
    process.stdin.on('end', onInputEnd);
    process.stdin.on('error', onStreamError);
    process.stdout.on('error', onStreamError);
  }
  const remove = () => {
    if (!isWatching) return;
    for (const signal of ENDING_SIGNALS) process.off(signal, stopWith);
    process.stdin.off('end', onInputEnd);
    // The terminal's streams keep their listeners: a closed one fails again as shoal exits.
  };
  return { signal: () => received, remove };
}

function homeRelative(dir: string): string {
  const home = os.homedir();
  return dir === home || dir.startsWith(home + path.sep) ? `~${dir.slice(home.length)}` : dir;
}
