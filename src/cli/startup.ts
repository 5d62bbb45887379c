import path from 'node:path';
import type { LanguageModel, ModelMessage } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { APPROVAL_MODES, type ApprovalMode } from '../agent/calls/approval';
import { DEMO_MODEL_ID } from '../models/demo/model';
import { chooseContextWindow, probeContextWindow, type ContextWindow } from '../models/context-window';
import { createModel, DEFAULT_MODEL, type ModelApi, type ModelChoice } from '../models/model';
import { maskUrl } from '../models/mask-url';
import type { ModelPrice } from '../models/prices';
import { createRecordingModel, prepareRecordingFile } from '../models/recording';
import { createReplayModel } from '../models/replay-model';
import { createSessionRecorder, summariseHistory, type ResumedTurn, type SessionRecorder } from '../session/recorder';
import {
  acquireSessionLock,
  defaultSessionsDir,
  latestSession,
  listSessions,
  loadSession,
  sessionInUseError,
  sessionLockPath,
  type SessionSummary,
} from '../session/sessions';
import { loadConfig } from '../config/load-config';
import type { Provider, ResolvedConfig, Settings } from '../config/settings';
import { sessionFilePath } from '../session/paths';

/** The flags that shape start-up (the rest are the CLI's own). */
export interface StartupFlags extends Settings {
  yolo?: boolean;
  record?: string;
  replay?: string;
  /** The TUI paces the demo and replayed models so their panels can be watched. */
  isInteractive: boolean;
}

/** Everything resolved before the first frame: settings with defaults, models, and lines to show. */
export interface Startup {
  settings: Settings & { approvalMode: ApprovalMode; allowedTools: string[] };
  main: ModelChoice;
  researchModel?: LanguageModel;
  /** The research model's price, when shoal knows it. */
  researchPrice?: ModelPrice;
  /** Builds the model for /model NAME, against the same server. */
  selectModel: (name: string) => Promise<ModelChoice>;
  /** One line saying which model runs where, for the TUI's greeting. */
  modelLine: string;
  /** Lines every run should show: the demo model, recording, replay. */
  notes: string[];
  isDemo: boolean;
  /** The window of a model by id, as known now: the setting, the server's answer once probed, the table, a default. */
  contextWindowOf: (modelId: string) => ContextWindow;
  /** Asks the server how large a model's window is, so `contextWindowOf` knows; resolves quickly, never rejects. */
  probeContextWindow: (modelId: string) => Promise<void>;
}

/** What start-up needs from the rest of the run. */
export interface StartupOptions {
  /** The session's id once known: every model keys the server's prompt cache with it. */
  promptCacheKey?: () => string | undefined;
}

/** A start-up problem the user can fix; its message is shown as is. */
export class StartupError extends Error {}

// The `provider` setting names the API.
const API_OF: Record<Provider, ModelApi> = { openai: 'responses', chat: 'chat' };

/** The line every run on the offline demo model shows. */
export const DEMO_NOTE = 'offline demo model: set OPENAI_API_KEY or --base-url to use a real model';

/**
 * Reads configuration (flags, environment, user and project files); the
 * project's loosening settings are applied only for a trusted folder or with
 * `isTrustGiven` (--trust). See `ResolvedConfig.project` for what was held back.
 */
export function loadStartupConfig(flags: StartupFlags, cwd: string, isTrustGiven = false): Promise<ResolvedConfig> {
  return loadConfig({ flags: settingFlags(flags), env: process.env, cwd, isTrustGiven });
}

/**
 * Builds the models from resolved configuration: a replay of a recording, the
 * offline demo model when nothing is configured, or OpenAI / a compatible
 * server; wrapped for recording when asked. Every model, /model's included,
 * is built from `config.settings` alone, so a withheld project baseUrl can
 * never meet the user's key here.
 */
export async function resolveStartup(flags: StartupFlags, config: ResolvedConfig, options: StartupOptions = {}): Promise<Startup> {
  const settings = config.settings;
  const approvalMode: ApprovalMode = flags.yolo ? 'yolo' : (settings.approvalMode ?? APPROVAL_MODES[0]);
  const resolved = { ...settings, approvalMode, allowedTools: settings.allowedTools ?? [] };
  const notes: string[] = [...config.notes];
  let modelLine: string;
  const isConfigured = Boolean(settings.baseUrl || settings.apiKey);
  const api = settings.provider === undefined ? undefined : API_OF[settings.provider];
  const build = async (model: string): Promise<ModelChoice> => ({
    modelId: model,
    ...(await createModel({
      model,
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      api,
      isPaced: flags.isInteractive,
      stallTimeoutMs: settings.stallTimeout === undefined ? undefined : settings.stallTimeout * 1000,
      reasoningEffort: settings.reasoningEffort,
      promptCacheKey: options.promptCacheKey,
      images: settings.images,
    })),
  });

  let main: ModelChoice;
  let researchModel: LanguageModel | undefined;
  let researchPrice: ModelPrice | undefined;
  if (flags.replay) {
    const replay = await createReplayModel(flags.replay, { delayMs: flags.isInteractive ? 8 : 0 }).catch((error: Error) => {
      throw new StartupError(error.message);
    });
    main = { modelId: `replay of ${path.basename(flags.replay)}`, model: replay };
    modelLine = `replaying the model responses recorded in ${flags.replay}`;
    notes.push(modelLine);
  } else {
    if (!isConfigured && settings.model !== undefined && settings.model !== DEMO_MODEL_ID) {
      throw new StartupError(
        `model ${settings.model} needs a server: set OPENAI_API_KEY to use OpenAI, or pass --base-url (or set OPENAI_BASE_URL) for an OpenAI-compatible server such as Ollama (http://127.0.0.1:11434/v1). --model demo runs offline.`,
      );
    }
    main = await build(isConfigured ? (settings.model ?? DEFAULT_MODEL) : DEMO_MODEL_ID);
    if (settings.researchModel) ({ model: researchModel, price: researchPrice } = await build(settings.researchModel));
    modelLine = settings.baseUrl ? `model ${main.modelId} at ${maskUrl(settings.baseUrl)}` : `model ${main.modelId} on OpenAI`;
    // Said only when it is not what the place speaks by default.
    if (api && api !== (settings.baseUrl ? 'chat' : 'responses')) modelLine += api === 'chat' ? ' (Chat Completions)' : ' (Responses API)';
    if (main.modelId === DEMO_MODEL_ID) {
      modelLine = DEMO_NOTE;
      notes.push(DEMO_NOTE);
    }
  }

  let selectModel = build;
  if (flags.record) {
    const record = flags.record;
    try {
      prepareRecordingFile(record);
    } catch (error) {
      throw new StartupError((error as Error).message);
    }
    const wrap = (choice: ModelChoice): ModelChoice => ({ ...choice, model: createRecordingModel(choice.model as LanguageModelV4, record) });
    main = wrap(main);
    if (researchModel) researchModel = createRecordingModel(researchModel as LanguageModelV4, record);
    selectModel = async (name) => wrap(await build(name));
    notes.push(`recording model responses to ${record}`);
  }
  const probed = new Map<string, ContextWindow>();
  // One probe per model, however many ask at once: headless asks for the main and research model, often the same one.
  const probing = new Map<string, Promise<void>>();
  const contextWindowOf = (modelId: string): ContextWindow =>
    modelId === DEMO_MODEL_ID ? DEMO_WINDOW : chooseContextWindow({ modelId, setting: settings.contextWindow, probed: probed.get(modelId) });
  const probeWindow = async (modelId: string) => {
    const baseUrl = settings.baseUrl;
    if (!baseUrl || settings.contextWindow || flags.replay || probed.has(modelId)) return;
    const running =
      probing.get(modelId) ??
      probeContextWindow({ baseUrl, modelId, apiKey: settings.apiKey }).then((found) => {
        if (found) probed.set(modelId, found);
      });
    probing.set(modelId, running);
    await running;
  };
  return {
    settings: resolved,
    main,
    researchModel,
    researchPrice,
    selectModel,
    modelLine,
    notes,
    isDemo: main.modelId === DEMO_MODEL_ID,
    contextWindowOf,
    probeContextWindow: probeWindow,
  };
}

// The demo model keeps no real context; a large window keeps it from ever compacting.
const DEMO_WINDOW: ContextWindow = { tokens: 1_000_000, source: 'demo model', isKnown: true };

function settingFlags(flags: StartupFlags): Settings {
  const { yolo, record: _record, replay: _replay, isInteractive: _isInteractive, ...settings } = flags;
  // --yolo is the user's own choice of mode: the project file is measured against it.
  return yolo ? { ...settings, approvalMode: 'yolo' } : settings;
}

/** The saved conversation this run continues, and how it saves itself. */
export interface SessionSetup {
  resumed?: { id: string; messages: ModelMessage[]; turns: ResumedTurn[] };
  /** Problems found while loading (repaired calls, skipped lines), for the user. */
  notes: string[];
  createRecorder: (onError: (error: Error) => void) => SessionRecorder;
  describeSessions: () => string;
  /** The id of the session being saved: the resumed one's, or a new one's from the start. */
  id: () => string | undefined;
  /** The file the session is saved in (a new one's is made at its first prompt): what hooks get as `transcript_path`. */
  transcriptPath: () => string | undefined;
}

/**
 * Finds the session to continue (`--continue`: this workspace's latest;
 * `--resume ID`: that one) and sets up saving. An unknown id is a
 * StartupError; `--continue` with nothing saved starts a new session.
 */
export function resolveSession(options: { cwd: string; modelId: string; isContinue?: boolean; resumeId?: string; dir?: string }): SessionSetup {
  const dir = options.dir ?? defaultSessionsDir();
  const notes: string[] = [];
  let id = options.resumeId;
  if (options.isContinue && !id) {
    id = latestSession({ dir, cwd: options.cwd })?.id;
    if (!id) notes.push('no saved session for this workspace yet: starting a new one');
  }
  let resumed: SessionSetup['resumed'];
  if (id) {
    let loaded;
    let lock;
    try {
      loaded = loadSession({ dir, id });
      // Locked now, not at the first prompt: two shoals started together must not both resume it.
      lock = acquireSessionLock(sessionLockPath(dir, id)!);
    } catch (error) {
      throw new StartupError((error as Error).message);
    }
    if (lock.isAcquired) {
      resumed = { id, messages: loaded.messages, turns: summariseHistory(loaded.messages, loaded.subagents) };
      notes.push(`resumed session ${id}`);
      notes.push(...loaded.problems);
    } else if (options.resumeId) {
      throw new StartupError(sessionInUseError(id, lock.pid).message);
    } else {
      notes.push(`session ${id} is open in another shoal${lock.pid > 0 ? ` (pid ${lock.pid})` : ''}: starting a new session`);
    }
  }
  const resumeId = resumed?.id;
  let recorder: SessionRecorder | undefined;
  return {
    resumed,
    notes,
    createRecorder: (onError) => (recorder = createSessionRecorder({ dir, cwd: options.cwd, model: options.modelId, resumeId, onError })),
    describeSessions: () => describeSessions(listSessions({ dir, cwd: options.cwd })),
    id: () => (recorder ? recorder.id : resumeId),
    transcriptPath() {
      const id = recorder ? recorder.id : resumeId;
      return id ? sessionFilePath(dir, id) : undefined;
    },
  };
}

function describeSessions(sessions: readonly SessionSummary[]): string {
  if (sessions.length === 0) return 'No saved sessions for this workspace yet.';
  const rows = sessions.slice(0, 20).map((session) => `  ${session.id}  ${session.turns} ${session.turns === 1 ? 'turn ' : 'turns'}  ${session.firstPrompt}`);
  return ['Saved sessions (newest first; resume with shoal --resume ID, or --continue for the latest)', ...rows].join('\n');
}
