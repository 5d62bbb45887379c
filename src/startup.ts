import path from 'node:path';
import type { LanguageModel } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { APPROVAL_MODES, type ApprovalMode } from './agent/approval';
import { DEMO_MODEL_ID } from './agent/demo-model';
import { createModel, DEFAULT_MODEL } from './agent/model';
import type { ProviderOptions } from './agent/model-step';
import { createRecordingModel } from './agent/recording';
import { createReplayModel } from './agent/replay-model';
import { loadConfig, type Settings } from './config';

/** The flags that shape start-up (the rest are the CLI's own). */
export interface StartupFlags extends Settings {
  yolo?: boolean;
  record?: string;
  replay?: string;
  /** The TUI paces the demo and replayed models so their panels can be watched. */
  isInteractive: boolean;
}

/** A model the user can talk to, with its id and request options. */
export interface ModelChoice {
  modelId: string;
  model: LanguageModel;
  providerOptions?: ProviderOptions;
}

/** Everything resolved before the first frame: settings with defaults, models, and lines to show. */
export interface Startup {
  settings: Settings & { approvalMode: ApprovalMode; allowedTools: string[] };
  main: ModelChoice;
  researchModel?: LanguageModel;
  /** Builds the model for /model NAME, against the same server. */
  selectModel: (name: string) => ModelChoice;
  /** One line saying which model runs where, for the TUI's greeting. */
  modelLine: string;
  /** Lines every run should show: the demo model, recording, replay. */
  notes: string[];
  isDemo: boolean;
}

/** A start-up problem the user can fix; its message is shown as is. */
export class StartupError extends Error {}

export const DEMO_NOTE = 'offline demo model: set OPENAI_API_KEY or --base-url to use a real model';

/**
 * Resolves configuration (flags, environment, user and project files) and
 * builds the models: a replay of a recording, the offline demo model when
 * nothing is configured, or OpenAI / a compatible server; wrapped for
 * recording when asked.
 */
export async function resolveStartup(flags: StartupFlags, cwd: string): Promise<Startup> {
  const { settings } = await loadConfig({ flags: settingFlags(flags), env: process.env, cwd });
  const approvalMode: ApprovalMode = flags.yolo ? 'yolo' : (settings.approvalMode ?? APPROVAL_MODES[0]);
  const resolved = { ...settings, approvalMode, allowedTools: settings.allowedTools ?? [] };
  const notes: string[] = [];
  let modelLine: string;
  const isConfigured = Boolean(settings.baseUrl || settings.apiKey);
  const build = (model: string): ModelChoice => ({
    modelId: model,
    ...createModel({ model, baseUrl: settings.baseUrl, apiKey: settings.apiKey, isPaced: flags.isInteractive }),
  });

  let main: ModelChoice;
  let researchModel: LanguageModel | undefined;
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
    main = build(isConfigured ? (settings.model ?? DEFAULT_MODEL) : DEMO_MODEL_ID);
    if (settings.researchModel) researchModel = build(settings.researchModel).model;
    modelLine = settings.baseUrl ? `model ${main.modelId} at ${settings.baseUrl}` : `model ${main.modelId} on OpenAI`;
    if (main.modelId === DEMO_MODEL_ID) {
      modelLine = DEMO_NOTE;
      notes.push(DEMO_NOTE);
    }
  }

  let selectModel = build;
  if (flags.record) {
    const record = flags.record;
    const wrap = (choice: ModelChoice): ModelChoice => ({ ...choice, model: createRecordingModel(choice.model as LanguageModelV4, record) });
    main = wrap(main);
    if (researchModel) researchModel = createRecordingModel(researchModel as LanguageModelV4, record);
    selectModel = (name) => wrap(build(name));
    notes.push(`recording model responses to ${record}`);
  }
  return { settings: resolved, main, researchModel, selectModel, modelLine, notes, isDemo: main.modelId === DEMO_MODEL_ID };
}

function settingFlags(flags: StartupFlags): Settings {
  const { yolo: _yolo, record: _record, replay: _replay, isInteractive: _isInteractive, ...settings } = flags;
  return settings;
}
