import { hasControlSyntax, matchesCommandPrefix } from '../calls/command-prefix';

/**
 * Claude Code's `Bash(…)` entries in an agent's `tools`: the commands the
 * agent may run at all (each still asks as the agent's mode says).
 * `Bash(npm run test:*)` and `Bash(git *)` allow commands that start with
 * those words; `Bash(git * main)` a glob over the whole command; `Bash(make)`
 * that exact command. A rule with a wildcard never allows a command that
 * chains, substitutes or redirects (`git status; curl … | sh`).
 */
export type CommandRule = { type: 'prefix'; words: string } | { type: 'glob'; parts: string[] } | { type: 'exact'; command: string };

/** The rule an entry's inside (`git *`) states; undefined for `*` or an empty one, which allow every command. */
export function parseCommandRule(spec: string): CommandRule | undefined {
  const text = spec.trim();
  if (text === '' || text === '*' || text === ':*') return undefined;
  const prefix = /^(.*?)(?::\*|\s+\*)$/.exec(text)?.[1]?.trim();
  if (prefix && !prefix.includes('*')) return { type: 'prefix', words: prefix };
  if (text.includes('*')) return { type: 'glob', parts: text.split('*') };
  return { type: 'exact', command: text };
}

/** True when `command` is one `rule` allows. */
export function matchesCommandRule(command: string, rule: CommandRule): boolean {
  const text = command.trim();
  if (rule.type === 'exact') return text === rule.command;
  if (rule.type === 'prefix') return matchesCommandPrefix(text, rule.words);
  return !hasControlSyntax(text) && matchesGlob(text, rule.parts);
}

/**
 * True when `text` is `parts` joined by runs of any characters. Each part is
 * taken at its first place after the last: that is never wrong for `*` alone,
 * and never backtracks (a regex of many `.*` takes minutes on a short command).
 */
function matchesGlob(text: string, parts: readonly string[]): boolean {
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** How the entries read in a message: as the file wrote them. */
export function describeCommandRules(specs: readonly string[]): string {
  return specs.map((spec) => `Bash(${spec})`).join(', ');
}
