import type { ReasoningEffort } from '../models/reasoning-effort';
import type { ApprovalMode } from '../agent/calls/approval';
import type { HooksConfig } from '../hooks/config';
import type { AgentFileRead } from './agents';
import type { CommandFile } from './commands';
import type { Loosening } from './loosening';
import type { McpServerConfig } from './mcp-servers';
import type { TrustStatus, TrustSubject } from './trust';

/**
 * What shoal's settings are: each one, where a resolved value came from, and
 * what the project's file asks for. How each is checked is in
 * setting-fields.ts; how the layers are read and merged, in load-config.ts.
 */

export { userConfigPath } from './paths';

/** How a finished turn or a waiting approval is announced: not at all, the bell, or a desktop notification (OSC 9 or 777), or chosen by the terminal. */
export const NOTIFY_MODES = ['off', 'bell', 'osc9', 'osc777', 'auto'] as const;
/** One of NOTIFY_MODES. */
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** Which API the model is spoken to through: `openai` is OpenAI's Responses API, `chat` is Chat Completions. */
export const PROVIDERS = ['openai', 'chat'] as const;
/** One of PROVIDERS. */
export type Provider = (typeof PROVIDERS)[number];

/** What shoal can be configured with; every field is optional and defaults are the caller's to apply. */
export interface Settings {
  /** Model id for the main agent. */
  model?: string;
  /** An OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1. */
  baseUrl?: string;
  /** `openai`: the Responses API (the default without a base URL); `chat`: Chat Completions (the default with one). */
  provider?: Provider;
  /** Read from flags, the environment and the user file only: a project file may be committed. */
  apiKey?: string;
  approvalMode?: ApprovalMode;
  /** Tools that run without asking (write_file, update_file, apply_patch, bash, web_fetch: every public domain). */
  allowedTools?: string[];
  /** Domains web_fetch reads without asking, e.g. "docs.python.org" or "*.mozilla.org" (its subdomains). */
  webDomains?: string[];
  /** Let web_fetch reach loopback, link-local and private network addresses (refused by default). */
  webAllowPrivate?: boolean;
  /** Most read-only calls in flight at once. */
  concurrency?: number;
  /** Most model calls in one turn. */
  maxSteps?: number;
  researchModel?: string;
  researchMaxSteps?: number;
  /** Let sandboxed commands use the network (off by default: a command cannot send the workspace anywhere). */
  commandNetwork?: boolean;
  /** The model's context window in tokens, when the server cannot say (or says wrong). */
  contextWindow?: number;
  /** The share of the window (0.3-0.95) at which the conversation compacts. */
  compactAt?: number;
  /** Seconds without a byte from the model server before its response is cut and retried (default 90). */
  stallTimeout?: number;
  /** How hard a reasoning model thinks; sent only to models and servers that take it. */
  reasoningEffort?: ReasoningEffort;
  /** How a finished turn (of 5 s or more) or a waiting approval is announced (default auto). */
  notify?: NotifyMode;
  /** MCP servers by name; a project's (its `.shoal/config.json` and `.mcp.json`) start only in a trusted folder. */
  mcpServers?: Record<string, McpServerConfig>;
  /** Offer apply_patch to every model (true) or to none (false); unset, GPT-5, codex, gpt-oss, o3 and o4-mini models get it. */
  applyPatch?: boolean;
  /** Send images (pasted, `@`-mentioned, read with read_file) to the model (true) or notes instead (false); unset, by model id. */
  images?: boolean;
  /** Claude Code-format hooks by event; a project's run only in a trusted folder, after the user's own. */
  hooks?: HooksConfig;
}

/** Where one resolved value came from, so the UI can say "model gpt-x from SHOAL_MODEL". */
export type SettingSource = { kind: 'flag' } | { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'default' };

/** The merged settings, the source of each one that is set, and the two files that were consulted. */
export interface ResolvedConfig {
  settings: Settings;
  sources: Partial<Record<keyof Settings, SettingSource>>;
  files: { user: string; project: string };
  /** The project file, when there is one, and what of it waits for the user's trust. */
  project?: ProjectConfig;
  /** Lines for the user, e.g. an unreadable trust store. */
  notes: string[];
}

/** What the project's `.shoal/config.json` asks for beyond what is otherwise in effect, and whether it got it. */
export interface ProjectConfig {
  /** As the user would type it, e.g. ".shoal/config.json". */
  display: string;
  /** The folder, the file's bytes and the state directory: what a trust decision is looked up and recorded by. */
  subject: TrustSubject;
  /** `given`: --trust for this run; otherwise what the user's trust store says. */
  trust: TrustStatus | 'given';
  /** Loosening settings; applied only when `isApplied`. */
  loosening: Loosening[];
  /** The loosening values themselves, kept aside until trust. */
  withheld: Settings;
  /** The project's `.shoal/commands/*.md`, offered as slash commands only when `isApplied`. */
  commands: CommandFile[];
  /** The project's `.shoal/agents/*.md`, loaded as agents only when `isApplied`. */
  agents: AgentFileRead[];
  isApplied: boolean;
}

/** A configuration problem for the user to fix; the message names the file or variable, the key and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

