import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { readOwnFile } from '../workspace/own-file';
import { agentsTrustBytes, PROJECT_AGENTS_DIR, readProjectAgents } from './agents';
import { commandsTrustBytes, PROJECT_COMMANDS_DIR, readProjectCommands } from './commands';
import { agentsLoosening, commandsLoosening, findLoosening } from './loosening';
import { MCP_JSON_FILE, readMcpJson } from './mcp-servers';
import { displayPath, nonEmpty, PROJECT_CONFIG_FILE, projectConfigPath, shoalDir, userConfigPath } from './paths';
import { ENV_NAMES, flagName, KNOWN_KEYS, type SettingKey, validateFile, validateValues, WHOLE_NUMBER_KEYS } from './setting-fields';
import { ConfigError, type ProjectConfig, type ResolvedConfig, type SettingSource, type Settings } from './settings';
import { projectTrust, type TrustSubject } from './trust';
import { mergeHooks } from '../hooks/config';

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

  const [projectFile, mcpJson, projectCommands, projectAgents] = await Promise.all([
    readProjectFile(options.cwd, { display: show(files.project), userDisplay: show(files.user), notes }),
    readMcpJson(options.cwd),
    readProjectCommands(options.cwd),
    readProjectAgents(options.cwd),
  ]);
  if (mcpJson.status === 'ignored') resolved.notes.push(`ignoring ${MCP_JSON_FILE}: ${mcpJson.reason}`);
  resolved.notes.push(...projectCommands.notes, ...projectAgents.notes);
  const mcpJsonRead = mcpJson.status === 'read' && Object.keys(mcpJson.servers).length > 0 ? mcpJson : undefined;
  const commands = projectCommands.files;
  const agents = projectAgents.files;
  if (!projectFile && !mcpJsonRead && commands.length === 0 && agents.length === 0) return resolved;
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
  const loosening = [
    ...findLoosening(candidates, resolved.settings),
    ...commandsLoosening(commands.map(({ name }) => name), PROJECT_COMMANDS_DIR),
    ...(await agentsLoosening(agents, PROJECT_AGENTS_DIR)),
  ];
  // Commands and agents are files, not settings: they wait for trust on their own.
  const withheld = Object.fromEntries(loosening.flatMap(({ key }) => (key === 'commands' || key === 'agents' ? [] : [[key, candidates[key]]]))) as Settings;
  const applied = Object.fromEntries(Object.entries(candidates).filter(([key]) => !(key in withheld))) as Settings;
  mergeLayer(resolved, { settings: applied, sourceOf: layer.sourceOf });

  // Trust covers every file: a changed .mcp.json or command asks again. JSON holds no NUL, and each
  // command carries its name and length, so the joined bytes are unambiguous.
  const bytes = Buffer.concat([
    projectFile?.bytes ?? Buffer.alloc(0),
    ...(mcpJsonRead ? [Buffer.from(`\0${MCP_JSON_FILE}\0`), mcpJsonRead.bytes] : []),
    commandsTrustBytes(commands),
    agentsTrustBytes(agents),
  ]);
  const display = [projectFile ? show(files.project) : undefined, mcpJsonRead ? MCP_JSON_FILE : undefined, commands.length > 0 ? PROJECT_COMMANDS_DIR : undefined, agents.length > 0 ? PROJECT_AGENTS_DIR : undefined]
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
  resolved.project = { display, subject, trust, loosening, withheld, commands, agents, isApplied: false };
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

