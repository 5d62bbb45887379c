import type { CommandFile } from '../../config/commands';
import { toVisibleText } from '../visible-text';

/** A Markdown file offered as `/name`: its prompt and its `/help` line. */
export interface CustomCommand {
  name: string;
  /** The prompt, front matter removed; `$ARGUMENTS` and `$1`..`$9` are filled in when it runs. */
  body: string;
  description?: string;
  source: CommandFile['source'];
}

/** The commands offered, and those hidden by a command of the same name that wins (a built-in, or the user's own). */
export interface CustomCommandSet {
  commands: ReadonlyMap<string, CustomCommand>;
  hidden: readonly { command: CustomCommand; by: 'built-in' | 'user' }[];
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const MAX_DESCRIPTION = 200;

/** Parses one command file: optional `---\ndescription: …\n---` front matter, then the prompt. */
export function parseCommandFile(file: CommandFile): CustomCommand {
  const text = file.text.replace(/^\uFEFF/, '');
  const front = FRONT_MATTER.exec(text);
  const line = front?.[1]?.split(/\r?\n/).find((entry) => /^description\s*:/.test(entry));
  const description = line
    ?.replace(/^description\s*:\s*/, '')
    .replace(/^(["'])(.*)\1$/, '$2')
    .trim()
    .slice(0, MAX_DESCRIPTION);
  return { name: file.name, body: (front ? text.slice(front[0].length) : text).trim(), description: description || undefined, source: file.source };
}

/**
 * The commands of the user's and the project's files: a built-in wins over
 * either, and the user's own wins over the project's, so a repository can
 * never take over a name the user relies on.
 */
export function buildCommandSet({ files, isBuiltin }: { files: readonly CommandFile[]; isBuiltin: (name: string) => boolean }): CustomCommandSet {
  const commands = new Map<string, CustomCommand>();
  const hidden: CustomCommandSet['hidden'][number][] = [];
  const ordered = [...files].sort((a, b) => (a.source === b.source ? 0 : a.source === 'user' ? -1 : 1));
  for (const command of ordered.map(parseCommandFile)) {
    if (isBuiltin(command.name)) hidden.push({ command, by: 'built-in' });
    else if (commands.has(command.name)) hidden.push({ command, by: 'user' });
    else commands.set(command.name, command);
  }
  return { commands: new Map([...commands].sort(([a], [b]) => (a < b ? -1 : 1))), hidden };
}

/**
 * The prompt `/name args` sends: `$ARGUMENTS` becomes the whole of `args`,
 * `$1`..`$9` its words; a body with neither gets `args` after it, so nothing
 * typed is lost. One pass, so an argument holding `$1` stays as typed.
 */
export function expandCommand(body: string, args: string): string {
  const words = args.split(/\s+/).filter(Boolean);
  let isUsed = false;
  const text = body.replace(/\$(ARGUMENTS|[1-9])/g, (_, which: string) => {
    isUsed = true;
    return which === 'ARGUMENTS' ? args : (words[Number(which) - 1] ?? '');
  });
  return isUsed || args === '' ? text : `${text}\n\n${args}`;
}

/** `/name args` split into the name and the arguments (kept as typed, line breaks included). */
export function splitCommandLine(text: string): { name: string; args: string } {
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return { name: match?.[1] ?? '', args: (match?.[2] ?? '').trim() };
}

/** The `/help` lines of custom commands, escaped: a description is the file's, which a repository may write. */
export function customHelpLines(set: CustomCommandSet): string[] {
  if (set.commands.size === 0 && set.hidden.length === 0) return [];
  const where = (command: CustomCommand) => (command.source === 'user' ? 'yours' : 'this project');
  const rows = [...set.commands.values()].map((command) => [`/${command.name}`, `${toVisibleText(command.description ?? '(no description)')} · ${where(command)}`] as const);
  const width = Math.max(0, ...rows.map(([name]) => name.length)) + 2;
  return [
    'Custom commands ($ARGUMENTS takes what follows the name)',
    ...rows.map(([name, help]) => `  ${name.padEnd(width)}${help}`),
    ...set.hidden.map(({ command, by }) => `  /${command.name} of ${where(command)} is hidden: the ${by === 'built-in' ? 'built-in' : 'one of yours'} of that name wins`),
  ];
}
