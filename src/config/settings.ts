import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { z } from 'zod';
import { APPROVAL_MODES, type ApprovalMode } from '../agent/approval';
import { readOwnFile } from '../workspace/own-file';
import { displayPath, nonEmpty, projectConfigPath, userConfigPath } from './paths';

export { userConfigPath } from './paths';

/** What shoal can be configured with; every field is optional and defaults are the caller's to apply. */
export interface Settings {
  /** Model id for the main agent. */
  model?: string;
  /** An OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1. */
  baseUrl?: string;
  /** Read from flags, the environment and the user file only: a project file may be committed. */
  apiKey?: string;
  approvalMode?: ApprovalMode;
  /** Tools that run without asking (write_file, update_file, bash). */
  allowedTools?: string[];
  /** Most read-only calls in flight at once. */
  concurrency?: number;
  /** Most model calls in one turn. */
  maxSteps?: number;
  researchModel?: string;
  researchMaxSteps?: number;
}

/** Where one resolved value came from, so the UI can say "model gpt-x from SHOAL_MODEL". */
export type SettingSource = { kind: 'flag' } | { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'default' };

/** The merged settings, the source of each one that is set, and the two files that were consulted. */
export interface ResolvedConfig {
  settings: Settings;
  sources: Partial<Record<keyof Settings, SettingSource>>;
  files: { user: string; project: string };
}

/** A configuration problem for the user to fix; the message names the file or variable, the key and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type SettingKey = keyof Settings;

const TOOL_NAMES = ['write_file', 'update_file', 'bash'] as const;
const text = z.string().trim().min(1);

const FIELD_SCHEMAS = {
  model: text,
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKey: text,
  approvalMode: z.enum(APPROVAL_MODES),
  allowedTools: z.array(z.enum(TOOL_NAMES)),
  concurrency: z.int().min(1).max(64),
  maxSteps: z.int().min(1).max(1000),
  researchModel: text,
  researchMaxSteps: z.int().min(1).max(200),
} satisfies Record<SettingKey, z.ZodType>;

const settingsSchema = z.object(FIELD_SCHEMAS).partial().strict() satisfies z.ZodType<Settings>;
const KNOWN_KEYS = Object.keys(FIELD_SCHEMAS) as SettingKey[];
const WHOLE_NUMBER_KEYS = new Set<SettingKey>(['concurrency', 'maxSteps', 'researchMaxSteps']);

const EXPECTED: Record<SettingKey, string> = {
  model: 'a model id (a non-empty string)',
  baseUrl: 'an http or https URL such as "http://127.0.0.1:11434/v1"',
  apiKey: 'a non-empty string',
  approvalMode: `one of ${quoteList(APPROVAL_MODES)}`,
  allowedTools: `a list of tool names from ${quoteList(TOOL_NAMES)}`,
  concurrency: 'a whole number from 1 to 64',
  maxSteps: 'a whole number from 1 to 1000',
  researchModel: 'a model id (a non-empty string)',
  researchMaxSteps: 'a whole number from 1 to 200',
};

const ENV_NAMES: Partial<Record<SettingKey, string>> = {
  apiKey: 'OPENAI_API_KEY',
  baseUrl: 'OPENAI_BASE_URL',
  model: 'SHOAL_MODEL',
  researchModel: 'SHOAL_RESEARCH_MODEL',
  approvalMode: 'SHOAL_APPROVAL',
  concurrency: 'SHOAL_CONCURRENCY',
  maxSteps: 'SHOAL_MAX_STEPS',
};

// The CLI's spelling where it is not simply the kebab-case key.
const FLAG_NAMES: Partial<Record<SettingKey, string>> = { approvalMode: '--approval', allowedTools: '--allow' };

/** One layer of settings, highest precedence first: flags, environment, user file, project file. */
interface Layer {
  settings: Settings;
  sourceOf: (key: SettingKey) => SettingSource;
}

/**
 * Merges flags over the environment over the user's config file over the
 * project's `.shoal/config.json`. Missing files are fine; everything else that
 * is wrong rejects with a `ConfigError`, so a bad file never half-configures shoal.
 * Files are only read, never written.
 */
export async function loadConfig(options: {
  flags: Settings;
  env: Record<string, string | undefined>;
  cwd: string;
  platform?: NodeJS.Platform;
  homedir?: string;
}): Promise<ResolvedConfig> {
  const homedir = options.homedir ?? os.homedir();
  const files = {
    user: userConfigPath({ env: options.env, platform: options.platform ?? process.platform, homedir }),
    project: projectConfigPath(options.cwd),
  };
  const show = (file: string) => displayPath(file, { cwd: options.cwd, homedir });
  const layers: Layer[] = [
    readFlags(options.flags),
    readEnvironment(options.env),
    await readConfigFile(files.user, { display: show(files.user), isProject: false, userDisplay: show(files.user) }),
    await readConfigFile(files.project, { display: show(files.project), isProject: true, userDisplay: show(files.user), cwd: options.cwd }),
  ];

  const resolved: ResolvedConfig = { settings: {}, sources: {}, files };
  for (const layer of layers) {
    for (const key of KNOWN_KEYS) {
      if (resolved.sources[key] || layer.settings[key] === undefined) continue;
      (resolved.settings as Record<SettingKey, unknown>)[key] = layer.settings[key];
      resolved.sources[key] = layer.sourceOf(key);
    }
  }
  return resolved;
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
  /** The workspace, for the project file: it is read through the workspace's confinement. */
  cwd?: string;
}

async function readConfigFile(file: string, options: FileOptions): Promise<Layer> {
  const sourceOf = (): SettingSource => ({ kind: 'file', path: file });
  const contents =
    options.isProject && options.cwd !== undefined
      ? await readProjectFile(options.cwd, options.display)
      : await readOptionalFile(file, options.display);
  if (contents === undefined) return { settings: {}, sourceOf };
  // Strip a byte-order mark, which some Windows editors write and JSON.parse refuses.
  const data = parseJson(contents.replace(/^\uFEFF/, ''), options.display);
  return { settings: validateFile(data, options), sourceOf };
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

/** A config file bigger than this is not a config file. */
const MAX_PROJECT_CONFIG_BYTES = 1024 * 1024;

/**
 * The repository controls `.shoal/config.json`: a FIFO there would hang
 * start-up and a link to /dev/zero fill memory, so it is read like every
 * workspace file (no symlink out, regular files only, size-capped).
 */
async function readProjectFile(cwd: string, display: string): Promise<string | undefined> {
  const read = await readOwnFile(cwd, '.shoal/config.json', { maxBytes: MAX_PROJECT_CONFIG_BYTES });
  if (read.status === 'missing') return undefined;
  if (read.status === 'refused') throw new ConfigError(`${display} cannot be read: ${read.reason}`);
  if (read.isCut) throw new ConfigError(`${display} cannot be read: it is over 1 MiB, too big for a config file`);
  return read.text;
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

function validateFile(data: unknown, { display, isProject, userDisplay }: FileOptions): Settings {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${display} must hold a JSON object such as {"maxSteps": 50} (got ${describeValue(data)})`);
  }
  if (isProject && Object.hasOwn(data, 'apiKey')) {
    throw new ConfigError(
      `${display}: "apiKey" is not allowed in a project file, which may be committed; set OPENAI_API_KEY in the environment or put it in ${userDisplay}`,
    );
  }
  const result = settingsSchema.safeParse(data);
  if (result.success) return result.data;
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

function unknownKey(key: string): string {
  const closest = KNOWN_KEYS.map((known) => ({ known, distance: editDistance(key.toLowerCase(), known.toLowerCase()) })).sort(
    (a, b) => a.distance - b.distance,
  )[0]!;
  return closest.distance <= 2
    ? `unknown key "${key}" (did you mean "${closest.known}"?)`
    : `unknown key "${key}" (known keys: ${KNOWN_KEYS.join(', ')})`;
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
