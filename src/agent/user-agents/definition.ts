import { DEFAULT_AGENT_TOOLS, hasWriteTool, resolveToolNames } from './tool-names';

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
  /** The file's body: the agent's own instructions. */
  prompt: string;
  source: AgentFile['source'];
  /** Where it came from, as the user would type it, for `/agents` and notes. */
  path: string;
}

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
 * `description`, `tools` as a comma-separated string or a list, `model`;
 * other fields ignored), then the prompt. Claude Code's tool names map to
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

  const notes: string[] = [];
  const { tools, dropped } = resolveToolNames(listed ?? []);
  if (dropped.length > 0) notes.push(`agent ${name} (${path}): dropped unknown tools ${dropped.map(quoted).join(', ')}`);
  let ownModel = typeof model === 'string' && model !== 'inherit' ? model : undefined;
  if (ownModel !== undefined && CLAUDE_MODEL_ALIASES.has(ownModel)) {
    notes.push(`agent ${name} (${path}): model ${ownModel} is Claude Code's; it runs on the main model`);
    ownModel = undefined;
  }
  const agentTools = listed === null ? DEFAULT_AGENT_TOOLS : tools;
  return {
    agent: {
      name,
      description: cut(description.trim(), MAX_DESCRIPTION),
      tools: agentTools,
      hasToolsLine: listed !== null,
      canWrite: hasWriteTool(agentTools),
      ...(ownModel ? { model: ownModel } : {}),
      prompt: text.slice(front[0].length).trim(),
      source: file.source,
      path,
    },
    notes,
  };
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
