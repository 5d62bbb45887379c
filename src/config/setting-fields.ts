import { z } from 'zod';
import { REASONING_EFFORTS } from '../models/reasoning-effort';
import { APPROVAL_MODES } from '../agent/calls/approval';
import { ALLOWABLE_TOOLS, MCP_TOOL_NAME } from './tool-names';
import { parseHooks, type HooksConfig } from '../hooks/config';
import { parseMcpServers, type McpServerConfig } from './mcp-servers';
import { ConfigError, NOTIFY_MODES, PROVIDERS, type Settings } from './settings';

/**
 * What each setting may hold, checked with zod, and the one-line message for
 * a value that is wrong: it names the flag, variable or file key, what was
 * expected, and what was given (never a secret's value).
 */

export type SettingKey = keyof Settings;

// A host name or `*.` and one; a lone `*` is spelled `allowedTools: ["web_fetch"]`.
const DOMAIN_PATTERN = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/;
const text = z.string().trim().min(1);
// A model id is shown in the greeting and the status bar: control characters (a project file's escape
// sequences) are refused, not printed.
const modelId = text.regex(/^[^\p{Cc}\p{Cf}]+$/u);

export const FIELD_SCHEMAS = {
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
  images: z.boolean(),
  // Only the shape here; `validateFile` checks each hook, and a bad one is left out with a note.
  hooks: z.custom<HooksConfig>(() => true),
} satisfies Record<SettingKey, z.ZodType>;

const settingsSchema = z.object(FIELD_SCHEMAS).partial().strict() satisfies z.ZodType<Settings>;
export const KNOWN_KEYS = Object.keys(FIELD_SCHEMAS) as SettingKey[];
export const WHOLE_NUMBER_KEYS = new Set<SettingKey>(['concurrency', 'maxSteps', 'researchMaxSteps', 'contextWindow', 'stallTimeout']);

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
  images: 'true or false',
  hooks: 'an object of hook events such as {"PreToolUse": [{"matcher": "bash", "hooks": [{"type": "command", "command": "..."}]}]}',
};

export const ENV_NAMES: Partial<Record<SettingKey, string>> = {
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

/** Validates loose values (flags, environment) one key at a time, labelling problems by flag or variable name. */
export function validateValues(values: Partial<Record<SettingKey, unknown>>, labelOf: (key: SettingKey) => string): Settings {
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

/**
 * Validates a whole settings file's object; `isProject` refuses the API key a
 * committed file must not hold. A bad hook is left out with a line in `notes`.
 */
export function validateFile(
  data: unknown,
  { display, isProject, userDisplay, notes }: { display: string; isProject: boolean; userDisplay: string; notes: string[] },
): Settings {
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

export function flagName(key: SettingKey): string {
  return FLAG_NAMES[key] ?? `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

function quoteList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}
