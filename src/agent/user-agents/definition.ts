import type { AgentCallMode } from '../../tools/types';
import { ALL_AGENT_TOOLS, DEFAULT_AGENT_TOOLS, hasWriteTool, resolveDisallowed, resolveToolNames } from './tool-names';

/** One agent file as read from disk: `NAME.md` in the user's or the project's `agents` folder. */
export interface AgentFile {
  /** The file's name without `.md`. */
  name: string;
  text: string;
  source: 'user' | 'project';
}

/** A user's own agent: its name, when the model should call it, its tools, model and prompt. */
export interface UserAgent {
  name: string;
  description: string;
  /** shoal's tool names, in the file's order: the agent gets these and no others. */
  tools: readonly string[];
  /** False when the file gave no `tools`: the agent then has the read-only tools. */
  hasToolsLine: boolean;
  /** True when a tool writes files or runs commands: the agent runs with the writes, one at a time, and they ask. */
  canWrite: boolean;
  /** A model id of its own; absent for `inherit` or none (the main model). */
  model?: string;
  /** The insides of Claude Code's `Bash(git *)` entries: bash runs only commands they allow (command-rules.ts); absent for every command. */
  commandRules?: readonly string[];
  /** Claude Code's `maxTurns`: at most this many model steps; absent for the usual limit. */
  maxTurns?: number;
  /** Claude Code's `permissionMode` as it applies to the agent's writes and commands; absent for the session's own. */
  permissionMode?: AgentPermissionMode;
  /** The file's body: the agent's own instructions. */
  prompt: string;
  source: AgentFile['source'];
  /** Where it came from, as the user would type it, for `/agents` and notes. */
  path: string;
}

/**
 * How an agent's writes and commands are decided, from its `permissionMode`:
 * `plan` neither runs nor asks them; `dont-ask` runs what the session allows
 * and denies the rest unasked; `auto-edit` and `yolo` (Claude Code's
 * `acceptEdits` and `bypassPermissions`) let more through than the session
 * does, and only in the user's own agents.
 */
export type AgentPermissionMode = 'plan' | AgentCallMode['mode'];

const PERMISSION_MODES: Readonly<Record<string, AgentPermissionMode | null>> = {
  default: null,
  plan: 'plan',
  dontAsk: 'dont-ask',
  acceptEdits: 'auto-edit',
  bypassPermissions: 'yolo',
};
/** Agents stop after this many steps at most, whatever `maxTurns` says. */
const MAX_TURNS = 200;

/** The parsed agent, with one line for anything of the file that was left out, or why the file was refused. */
export type AgentFileParse = { agent: UserAgent; notes: string[] } | { error: string };

/** Lowercase letters, digits and single hyphens, as Claude Code names its agents. */
export const AGENT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME = 64;
/** The description goes into the model's tool description on every request: long ones are cut. */
export const MAX_DESCRIPTION = 1000;
// Claude Code's model aliases: its own models, which an OpenAI-compatible server does not serve.
const CLAUDE_MODEL_ALIASES = new Set(['sonnet', 'opus', 'haiku']);

type YamlParse = typeof import('yaml').parse;

/** The yaml package's parse, loaded once; a bundle sees the package (CommonJS) as its default export. */
async function loadYaml(): Promise<YamlParse> {
  const loaded = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  return loaded.parse ?? loaded.default!.parse;
}

const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;

/**
 * Parses one agent file in Claude Code's format: YAML front matter (`name`,
 * `description`, `tools` and `disallowedTools` as a comma-separated string or
 * a list, `model`, `maxTurns`, `permissionMode`; other fields ignored), then
 * the prompt. Claude Code's tool names map to
 * shoal's; unknown ones are dropped with a note. The YAML parser loads with
 * the first file, never at start-up. Contract: never rejects.
 */
export async function parseAgentFile(file: AgentFile, path: string): Promise<AgentFileParse> {
  const text = file.text.replace(/^\uFEFF/, '');
  const front = FRONT_MATTER.exec(text);
  if (!front) return { error: 'no front matter (a --- block with name and description)' };
  const fields = parseFrontMatter(front[1] ?? '', await loadYaml());
  if ('error' in fields) return fields;
  const name = fields.value.name ?? file.name;
  if (typeof name !== 'string' || name.length > MAX_NAME || !AGENT_NAME.test(name)) {
    return { error: `name ${quoted(name)} is not lowercase letters, digits and hyphens (at most ${MAX_NAME})` };
  }
  const description = fields.value.description;
  if (typeof description !== 'string' || description.trim() === '') return { error: 'description is missing: it tells the model when to call the agent' };
  const listed = toolList(fields.value.tools);
  if (listed === undefined) return { error: 'tools is neither a comma-separated string nor a list of names' };
  const model = fields.value.model;
  if (model !== undefined && model !== null && (typeof model !== 'string' || !/^[^\p{Cc}\p{Cf}\s]+$/u.test(model))) return { error: 'model is not a model id' };

  const disallowedList = toolList(fields.value.disallowedTools);
  if (disallowedList === undefined) return { error: 'disallowedTools is neither a comma-separated string nor a list of names' };

  const notes: string[] = [];
  const note = (text: string) => notes.push(`agent ${name} (${path}): ${text}`);
  const { tools, dropped, commandRules } = resolveToolNames(listed ?? []);
  if (dropped.length > 0) note(`dropped unknown tools ${dropped.map(quoted).join(', ')}`);
  const disallowed = resolveDisallowed(disallowedList ?? []);
  if (disallowed.dropped.length > 0) note(`disallowedTools names unknown tools ${disallowed.dropped.map(quoted).join(', ')}`);
  if (disallowed.patterns.length > 0) note(`disallowedTools entries with a pattern are left out: ${disallowed.patterns.map(quoted).join(', ')}`);
  const maxTurns = turnsOf(fields.value.maxTurns);
  if (maxTurns === undefined) note(`maxTurns ${quoted(fields.value.maxTurns)} is not a whole number from 1 to ${MAX_TURNS}; the usual limit applies`);
  const permissionMode = permissionModeOf(fields.value.permissionMode, file.source);
  if ('note' in permissionMode) note(permissionMode.note);
  let ownModel = typeof model === 'string' && model !== 'inherit' ? model : undefined;
  if (ownModel !== undefined && CLAUDE_MODEL_ALIASES.has(ownModel)) {
    notes.push(`agent ${name} (${path}): model ${ownModel} is Claude Code's; it runs on the main model`);
    ownModel = undefined;
  }
  // With no tools line, Claude Code's agent inherits every tool and disallowedTools takes some away;
  // shoal's inherits the read-only ones unless the file says what to take away from all of them.
  const inherited = disallowedList === null || disallowedList.length === 0 ? DEFAULT_AGENT_TOOLS : ALL_AGENT_TOOLS;
  const agentTools = (listed === null ? inherited : tools).filter((tool) => !disallowed.tools.has(tool));
  return {
    agent: {
      name,
      description: cut(description.trim(), MAX_DESCRIPTION),
      tools: agentTools,
      hasToolsLine: listed !== null,
      canWrite: hasWriteTool(agentTools),
      ...(ownModel ? { model: ownModel } : {}),
      ...(commandRules && agentTools.includes('bash') ? { commandRules } : {}),
      ...(maxTurns ? { maxTurns } : {}),
      ...('mode' in permissionMode && permissionMode.mode ? { permissionMode: permissionMode.mode } : {}),
      prompt: text.slice(front[0].length).trim(),
      source: file.source,
      path,
    },
    notes,
  };
}

/** `maxTurns` as a step limit: null when absent, undefined when it is not a whole number in range. */
function turnsOf(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  const turns = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof turns === 'number' && Number.isInteger(turns) && turns >= 1 && turns <= MAX_TURNS ? turns : undefined;
}

/**
 * `permissionMode` as it applies: a laxer mode than the session's only in the
 * user's own agents (a repository's file may not let its agent write unasked);
 * a value shoal does not know, or a project's laxer one, with the note saying so.
 */
function permissionModeOf(value: unknown, source: AgentFile['source']): { mode: AgentPermissionMode | null } | { note: string } {
  if (value === undefined || value === null) return { mode: null };
  const mode = typeof value === 'string' && Object.hasOwn(PERMISSION_MODES, value) ? PERMISSION_MODES[value]! : undefined;
  if (mode === undefined) return { note: `permissionMode ${quoted(value)} is not one of ${Object.keys(PERMISSION_MODES).join(', ')}; its writes and commands ask as the session's do` };
  if (source === 'project' && (mode === 'auto-edit' || mode === 'yolo')) {
    return { note: `permissionMode ${value as string} applies only to your own agents, not a project's; its writes and commands ask as the session's do` };
  }
  return { mode };
}

/**
 * The front matter as a mapping. Claude Code's own files often hold a plain
 * description with `: ` in it ("Examples: <example>…"), which strict YAML
 * refuses; such top-level values are read as quoted strings on a second try.
 */
function parseFrontMatter(yaml: string, parse: YamlParse): { value: Record<string, unknown> } | { error: string } {
  // Errors are thrown, warnings never printed (they would land in the TUI); aliases capped against a billion laughs.
  const parseYaml = (text: string): unknown => parse(text, { logLevel: 'error', prettyErrors: false, maxAliasCount: 100, uniqueKeys: true });
  let value: unknown;
  try {
    value = parseYaml(yaml);
  } catch (error) {
    try {
      value = parseYaml(quotePlainValues(yaml));
    } catch {
      return { error: `front matter is not valid YAML: ${firstLine((error as Error).message)}` };
    }
  }
  if (value === null || value === undefined) return { value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { error: 'front matter is not a mapping of fields' };
  return { value: value as Record<string, unknown> };
}

/** `key: a plain value: with a colon` at the top level, quoted; every other line as it is. */
function quotePlainValues(yaml: string): string {
  return yaml
    .split(/\r?\n/)
    .map((line) => {
      const match = /^([A-Za-z_][\w-]*):[ \t]+([^"'|>[{&*!#\s].*:\s.*)$/.exec(line);
      return match ? `${match[1]}: ${JSON.stringify(match[2]!.trimEnd())}` : line;
    })
    .join('\n');
}

/** The tool names listed: from `Read, Grep` (Claude Code separates them by commas) or a YAML list; null when there is no `tools` line; undefined when it is neither. */
function toolList(tools: unknown): string[] | null | undefined {
  if (tools === undefined || tools === null) return null;
  if (typeof tools === 'string') return tools.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (Array.isArray(tools) && tools.every((entry) => typeof entry === 'string')) return tools.map((entry: string) => entry.trim()).filter(Boolean);
  return undefined;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first line of a parser's message, escaped: it may quote the file, which a repository wrote. */
function firstLine(text: string): string {
  return escapeControls(text.split('\n', 1)[0]!.slice(0, 200));
}

/** A value of the file in quotes, as notes show it: JSON's escapes, and bidi and other format characters too. */
function quoted(value: unknown): string {
  return escapeControls(JSON.stringify(value) ?? String(value));
}

function escapeControls(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
