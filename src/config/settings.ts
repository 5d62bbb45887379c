import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { z } from 'zod';
import { REASONING_EFFORTS, type ReasoningEffort } from '../models/reasoning-effort';
import { APPROVAL_MODES, type ApprovalMode } from '../agent/approval';
import { readOwnFile } from '../workspace/own-file';
import { commandsTrustBytes, PROJECT_COMMANDS_DIR, readProjectCommands, type CommandFile } from './commands';
import { commandsLoosening, findLoosening, type Loosening } from './loosening';
import { ALLOWABLE_TOOLS, MCP_TOOL_NAME } from './tool-names';
import { MCP_JSON_FILE, parseMcpServers, readMcpJson, type McpServerConfig } from './mcp-servers';
import { displayPath, nonEmpty, PROJECT_CONFIG_FILE, projectConfigPath, shoalDir, userConfigPath } from './paths';
import { projectTrust, type TrustStatus, type TrustSubject } from './trust';
import { mergeHooks, parseHooks, type HooksConfig } from '../hooks/config';

export { userConfigPath } from './paths';

/** How shoal tells the user a turn ended or an approval waits: nothing, the terminal bell, a desktop notification, or what the terminal supports. */
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
  /** Claude Code-format hooks by event; a project's run only in a trusted folder, after the user's own. */
  hooks?: HooksConfig;
}

// The models' own list (config may not import models); the CLI hands this to createModel, whose type checks it.

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
  isApplied: boolean;
}

/** A configuration problem for the user to fix; the message names the file or variable, the key and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type SettingKey = keyof Settings;

// A host name or `*.` and one; a lone `*` is spelled `allowedTools: ["web_fetch"]`.
const DOMAIN_PATTERN = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/;
const text = z.string().trim().min(1);
// A model id is shown in the greeting and the status bar: control characters (a project file's escape
// sequences) are refused, not printed.
const modelId = text.regex(/^[^\p{Cc}\p{Cf}]+$/u);

const FIELD_SCHEMAS = {
  model: modelId,
  baseUrl: z.url({ protocol: /^https?$/ }),
  provider: z.enum(PROVIDERS),
  apiKey: text,
  approvalMode: z.enum(APPROVAL_MODES),
  allowedTools: z.array(z.union([z.enum(ALLOWABLE_TOOLS), z.string().regex(MCP_TOOL_NAME)])),
  webDomains: z.array(z.string().trim().toLowerCase().regex(DOMAIN_PATTERN)),
  webAllowPrivate: z.boolean(),
  concurrency: z.int().min(1).max(64),
  maxSteps: z.int().min(1).max(1000),
  researchModel: modelId,
  researchMaxSteps: z.int().min(1).max(200),
  commandNetwork: z.boolean(),
  contextWindow: z.int().min(1024).max(10_000_000),
  compactAt: z.number().min(0.3).max(0.95),
  stallTimeout: z.int().min(1).max(3600),
  reasoningEffort: z.enum(REASONING_EFFORTS),
  notify: z.enum(NOTIFY_MODES),
  // Only the shape here; `validateFile` checks each server and names what is wrong.
  mcpServers: z.custom<Record<string, McpServerConfig>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
  applyPatch: z.boolean(),
  // Only the shape here; `validateFile` checks each hook, and a bad one is left out with a note.
  hooks: z.custom<HooksConfig>(() => true),
} satisfies Record<SettingKey, z.ZodType>;

const settingsSchema = z.object(FIELD_SCHEMAS).partial().strict() satisfies z.ZodType<Settings>;
const KNOWN_KEYS = Object.keys(FIELD_SCHEMAS) as SettingKey[];
const WHOLE_NUMBER_KEYS = new Set<SettingKey>(['concurrency', 'maxSteps', 'researchMaxSteps', 'contextWindow', 'stallTimeout']);

const EXPECTED: Record<SettingKey, string> = {
  model: 'a model id (a non-empty string without control characters)',
  baseUrl: 'an http or https URL such as "http://127.0.0.1:11434/v1"',
  provider: '"openai" (the Responses API) or "chat" (Chat Completions)',
  apiKey: 'a non-empty string',
  approvalMode: `one of ${quoteList(APPROVAL_MODES)}`,
  allowedTools: `a list of tool names from ${quoteList(ALLOWABLE_TOOLS)} or MCP tools such as "mcp__github__create_issue"`,
  webDomains: 'a list of domains such as "docs.python.org" or "*.mozilla.org" (its subdomains)',
  webAllowPrivate: 'true or false',
  concurrency: 'a whole number from 1 to 64',
  maxSteps: 'a whole number from 1 to 1000',
  researchModel: 'a model id (a non-empty string without control characters)',
  researchMaxSteps: 'a whole number from 1 to 200',
  commandNetwork: 'true or false',
  contextWindow: 'a whole number of tokens from 1024 to 10000000',
  compactAt: 'a number from 0.3 to 0.95 (the share of the window at which to compact)',
  stallTimeout: 'a whole number of seconds from 1 to 3600',
  reasoningEffort: `one of ${quoteList(REASONING_EFFORTS)}`,
  notify: `one of ${quoteList(NOTIFY_MODES)}`,
  mcpServers: 'an object of MCP servers by name',
  applyPatch: 'true or false',
  hooks: 'an object of hook events such as {"PreToolUse": [{"matcher": "bash", "hooks": [{"type": "command", "command": "..."}]}]}',
};

const ENV_NAMES: Partial<Record<SettingKey, string>> = {
  apiKey: 'OPENAI_API_KEY',
  baseUrl: 'OPENAI_BASE_URL',
  provider: 'SHOAL_PROVIDER',
  model: 'SHOAL_MODEL',
  researchModel: 'SHOAL_RESEARCH_MODEL',
  approvalMode: 'SHOAL_APPROVAL',
  concurrency: 'SHOAL_CONCURRENCY',
  maxSteps: 'SHOAL_MAX_STEPS',
  contextWindow: 'SHOAL_CONTEXT_WINDOW',
  stallTimeout: 'SHOAL_STALL_TIMEOUT',
  reasoningEffort: 'SHOAL_REASONING_EFFORT',
  notify: 'SHOAL_NOTIFY',
};

// The CLI's spelling where it is not simply the kebab-case key.
const FLAG_NAMES: Partial<Record<SettingKey, string>> = { approvalMode: '--approval', allowedTools: '--allow' };

/** One layer of settings, highest precedence first: flags, environment, user file, project file. */
interface Layer {
  settings: Settings;
  sourceOf: (key: SettingKey) => SettingSource;
}

/** Most bytes of `.shoal/config.json` read: far more than any real settings file, and no /dev/zero can cost more. */
export const PROJECT_CONFIG_MAX_BYTES = 256 * 1024;

/**
 * Merges flags over the environment over the user's config file over the
 * project's `.shoal/config.json`. The project file may be committed by anyone,
 * so its loosening settings (see `findLoosening`) apply only when the user
 * trusts this folder with these bytes, or `isTrustGiven` (--trust). Missing
 * files are fine; everything else that is wrong rejects with a `ConfigError`,
 * so a bad file never half-configures shoal. Files are only read, never written.
 */
export async function loadConfig(options: {
  flags: Settings;
  env: Record<string, string | undefined>;
  cwd: string;
  platform?: NodeJS.Platform;
  homedir?: string;
  isTrustGiven?: boolean;
}): Promise<ResolvedConfig> {
  const homedir = options.homedir ?? os.homedir();
  const pathOptions = { env: options.env, platform: options.platform ?? process.platform, homedir };
  const files = { user: userConfigPath(pathOptions), project: projectConfigPath(options.cwd) };
  const show = (file: string) => displayPath(file, { cwd: options.cwd, homedir });
  const notes: string[] = [];
  const layers: Layer[] = [
    readFlags(options.flags),
    readEnvironment(options.env),
    await readConfigFile(files.user, { display: show(files.user), isProject: false, userDisplay: show(files.user), notes }),
  ];
  const resolved: ResolvedConfig = { settings: {}, sources: {}, files, notes };
  for (const layer of layers) mergeLayer(resolved, layer);

  const [projectFile, mcpJson, projectCommands] = await Promise.all([
    readProjectFile(options.cwd, { display: show(files.project), userDisplay: show(files.user), notes }),
    readMcpJson(options.cwd),
    readProjectCommands(options.cwd),
  ]);
  if (mcpJson.status === 'ignored') resolved.notes.push(`ignoring ${MCP_JSON_FILE}: ${mcpJson.reason}`);
  resolved.notes.push(...projectCommands.notes);
  const mcpJsonRead = mcpJson.status === 'read' && Object.keys(mcpJson.servers).length > 0 ? mcpJson : undefined;
  const commands = projectCommands.files;
  if (!projectFile && !mcpJsonRead && commands.length === 0) return resolved;
  const layer = projectFile?.layer ?? { settings: {}, sourceOf: (): SettingSource => ({ kind: 'file', path: files.project }) };
  // Only what no higher layer set can take effect; of that, the loosening part waits for trust.
  const candidates = Object.fromEntries(
    KNOWN_KEYS.filter((key) => key !== 'mcpServers' && key !== 'hooks' && !resolved.sources[key] && layer.settings[key] !== undefined).map((key) => [key, layer.settings[key]]),
  ) as Settings;
  // Project servers join the user's rather than being shadowed by them; a name the user has stays the user's.
  const projectServers = Object.fromEntries(
    Object.entries({ ...mcpJsonRead?.servers, ...layer.settings.mcpServers }).filter(([name]) => !Object.hasOwn(resolved.settings.mcpServers ?? {}, name)),
  );
  if (Object.keys(projectServers).length > 0) candidates.mcpServers = projectServers;
  // Project hooks join the user's, never replace them: they wait for trust, since each one runs a command.
  if (Object.keys(layer.settings.hooks ?? {}).length > 0) candidates.hooks = layer.settings.hooks;
  const loosening = [...findLoosening(candidates, resolved.settings), ...commandsLoosening(commands.map(({ name }) => name), PROJECT_COMMANDS_DIR)];
  const withheld = Object.fromEntries(loosening.flatMap(({ key }) => (key === 'commands' ? [] : [[key, candidates[key]]]))) as Settings;
  const applied = Object.fromEntries(Object.entries(candidates).filter(([key]) => !(key in withheld))) as Settings;
  mergeLayer(resolved, { settings: applied, sourceOf: layer.sourceOf });

  // Trust covers every file: a changed .mcp.json or command asks again. JSON holds no NUL, and each
  // command carries its name and length, so the joined bytes are unambiguous.
  const bytes = Buffer.concat([
    projectFile?.bytes ?? Buffer.alloc(0),
    ...(mcpJsonRead ? [Buffer.from(`\0${MCP_JSON_FILE}\0`), mcpJsonRead.bytes] : []),
    commandsTrustBytes(commands),
  ]);
  const display = [projectFile ? show(files.project) : undefined, mcpJsonRead ? MCP_JSON_FILE : undefined, commands.length > 0 ? PROJECT_COMMANDS_DIR : undefined]
    .filter(Boolean)
    .join(' and ');
  const subject: TrustSubject = { cwd: options.cwd, fileBytes: bytes, stateDir: shoalDir('state', pathOptions) };
  let trust: ProjectConfig['trust'] = 'untrusted';
  if (options.isTrustGiven) trust = 'given';
  else if (loosening.length > 0) {
    const check = await projectTrust(subject);
    trust = check.status;
    resolved.notes.push(...check.notes);
  }
  resolved.project = { display, subject, trust, loosening, withheld, commands, isApplied: false };
  return trust === 'trusted' || trust === 'given' ? applyProjectTrust(resolved) : resolved;
}

/** `config` with the project's withheld settings applied, for once the user trusts the folder. */
export function applyProjectTrust(config: ResolvedConfig): ResolvedConfig {
  if (!config.project || config.project.isApplied) return config;
  const applied: ResolvedConfig = { ...config, settings: { ...config.settings }, sources: { ...config.sources }, project: { ...config.project, isApplied: true } };
  const { mcpServers, hooks, ...withheld } = config.project.withheld;
  mergeLayer(applied, { settings: withheld, sourceOf: () => ({ kind: 'file', path: config.files.project }) });
  if (mcpServers) applied.settings.mcpServers = { ...mcpServers, ...config.settings.mcpServers };
  if (hooks) applied.settings.hooks = mergeHooks(config.settings.hooks, hooks);
  return applied;
}

function mergeLayer(resolved: ResolvedConfig, layer: Layer): void {
  for (const key of KNOWN_KEYS) {
    if (resolved.sources[key] || layer.settings[key] === undefined) continue;
    (resolved.settings as Record<SettingKey, unknown>)[key] = layer.settings[key];
    resolved.sources[key] = layer.sourceOf(key);
  }
}

function readFlags(flags: Settings): Layer {
  const values: Partial<Record<SettingKey, unknown>> = {};
  for (const key of KNOWN_KEYS) if (flags[key] !== undefined) values[key] = flags[key];
  return { settings: validateValues(values, flagName), sourceOf: () => ({ kind: 'flag' }) };
}

function readEnvironment(env: Record<string, string | undefined>): Layer {
  const values: Partial<Record<SettingKey, unknown>> = {};
  const nameOf = (key: SettingKey) => ENV_NAMES[key]!;
  for (const key of KNOWN_KEYS) {
    const value = ENV_NAMES[key] === undefined ? undefined : nonEmpty(env[nameOf(key)]);
    if (value === undefined) continue;
    // Environment values are always strings; only plain digits become numbers, so "1e1" or "0x8" stay errors.
    values[key] = WHOLE_NUMBER_KEYS.has(key) && /^\d+$/.test(value) ? Number(value) : value;
  }
  return { settings: validateValues(values, nameOf), sourceOf: (key) => ({ kind: 'env', name: nameOf(key) }) };
}

/** Validates loose values (flags, environment) one key at a time, labelling problems by flag or variable name. */
function validateValues(values: Partial<Record<SettingKey, unknown>>, labelOf: (key: SettingKey) => string): Settings {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of KNOWN_KEYS) {
    if (!(key in values)) continue;
    const result = (FIELD_SCHEMAS[key] as z.ZodType).safeParse(values[key]);
    if (result.success) settings[key] = result.data;
    else problems.push(mustBe(labelOf(key), key, values[key]));
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return settings as Settings;
}

interface FileOptions {
  display: string;
  isProject: boolean;
  userDisplay: string;
  /** Where a problem that leaves the rest of the file loading goes (a bad hook). */
  notes: string[];
}

async function readConfigFile(file: string, options: FileOptions): Promise<Layer> {
  const contents = await readOptionalFile(file, options.display);
  return parseConfigFile(file, contents, options);
}

function parseConfigFile(file: string, contents: string | undefined, options: FileOptions): Layer {
  const sourceOf = (): SettingSource => ({ kind: 'file', path: file });
  if (contents === undefined) return { settings: {}, sourceOf };
  // Strip a byte-order mark, which some Windows editors write and JSON.parse refuses.
  const data = parseJson(contents.replace(/^\uFEFF/, ''), options.display);
  return { settings: validateFile(data, options), sourceOf };
}

/**
 * Reads the project file through the workspace's confinement: no symlink out
 * of the workspace, no FIFO or device, at most `PROJECT_CONFIG_MAX_BYTES`.
 */
async function readProjectFile(cwd: string, options: { display: string; userDisplay: string; notes: string[] }): Promise<{ layer: Layer; bytes: Buffer } | undefined> {
  const read = await readOwnFile(cwd, PROJECT_CONFIG_FILE, { maxBytes: PROJECT_CONFIG_MAX_BYTES });
  if (read.status === 'missing') return undefined;
  if (read.status === 'refused') throw new ConfigError(`${options.display} cannot be read: ${read.reason}`);
  if (read.isCut) throw new ConfigError(`${options.display} is larger than ${PROJECT_CONFIG_MAX_BYTES / 1024} KiB, far more than settings need`);
  const layer = parseConfigFile(projectConfigPath(cwd), read.text, { ...options, isProject: true });
  return { layer, bytes: read.bytes };
}

async function readOptionalFile(file: string, display: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const reason =
      code === 'EISDIR' ? 'it is a directory, not a file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : error instanceof Error ? error.message
      : String(error);
    throw new ConfigError(`${display} cannot be read: ${reason}`);
  }
}

function parseJson(contents: string, display: string): unknown {
  try {
    return JSON.parse(contents);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 says "... in JSON at position 16 (line 3 column 5)" (older: no line), or names no position at all.
    const position = /at position (\d+)/.exec(message)?.[1] ?? (message.includes('end of JSON input') ? contents.length : undefined);
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
    if (position === undefined) throw new ConfigError(`${display} is not valid JSON: ${reason}`);
    const lines = contents.slice(0, Number(position)).split('\n');
    throw new ConfigError(`${display} is not valid JSON at line ${lines.length}, column ${lines.at(-1)!.length + 1}: ${reason}`);
  }
}

function validateFile(data: unknown, { display, isProject, userDisplay, notes }: FileOptions): Settings {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${display} must hold a JSON object such as {"maxSteps": 50} (got ${describeValue(data)})`);
  }
  if (isProject && Object.hasOwn(data, 'apiKey')) {
    throw new ConfigError(
      `${display}: "apiKey" is not allowed in a project file, which may be committed; set OPENAI_API_KEY in the environment or put it in ${userDisplay}`,
    );
  }
  const result = settingsSchema.safeParse(data);
  if (result.success) {
    if (result.data.hooks !== undefined) {
      const { hooks, problems } = parseHooks(result.data.hooks);
      notes.push(...problems.map((problem) => `${display}: ${problem}; that hook is ignored`));
      result.data.hooks = hooks;
    }
    if (result.data.mcpServers === undefined) return result.data;
    const { servers, problems } = parseMcpServers(result.data.mcpServers);
    if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${display}: ${problem}`).join('\n'));
    return { ...result.data, mcpServers: servers };
  }
  const problems = new Set<string>(); // a Set, since each bad item of a list is its own issue
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) problems.add(unknownKey(key));
    else {
      const key = issue.path[0] as SettingKey;
      problems.add(mustBe(`"${key}"`, key, (data as Record<string, unknown>)[key]));
    }
  }
  throw new ConfigError([...problems].map((problem) => `${display}: ${problem}`).join('\n'));
}

function mustBe(label: string, key: SettingKey, value: unknown): string {
  return `${label} must be ${EXPECTED[key]} (got ${describeValue(value, key === 'apiKey')})`;
}

function describeValue(value: unknown, isSecret = false): string {
  if (isSecret) return Array.isArray(value) ? 'a list' : `a ${value === null ? 'null' : typeof value}`; // never echo a secret
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

// JSON.stringify, so a key holding escape sequences reaches the terminal escaped.
function unknownKey(key: string): string {
  const closest = KNOWN_KEYS.map((known) => ({ known, distance: editDistance(key.toLowerCase(), known.toLowerCase()) })).sort(
    (a, b) => a.distance - b.distance,
  )[0]!;
  return closest.distance <= 2
    ? `unknown key ${JSON.stringify(key)} (did you mean "${closest.known}"?)`
    : `unknown key ${JSON.stringify(key)} (known keys: ${KNOWN_KEYS.join(', ')})`;
}

/** Levenshtein distance, small inputs only. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function flagName(key: SettingKey): string {
  return FLAG_NAMES[key] ?? `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

function quoteList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}
