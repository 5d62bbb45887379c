import { hasControlSyntax, matchesCommandPrefix } from '../calls/command-prefix';

/**
 * Claude Code's `Bash(…)` entries in an agent's `tools`: the commands the
 * agent may run at all (each still asks as the agent's mode says).
 * `Bash(npm run test:*)` and `Bash(git *)` allow commands that start with
 * those words; `Bash(git * main)` a glob over the whole command; `Bash(make)`
 * that exact command. A rule with a wildcard never allows a command that
 * chains, substitutes or redirects (`git status; curl … | sh`).
 */
export type CommandRule = { type: 'prefix'; words: string } | { type: 'glob'; pattern: RegExp } | { type: 'exact'; command: string };

/** The rule an entry's inside (`git *`) states; undefined for `*` or an empty one, which allow every command. */
export function parseCommandRule(spec: string): CommandRule | undefined {
  const text = spec.trim();
  if (text === '' || text === '*' || text === ':*') return undefined;
  const prefix = /^(.*?)(?::\*|\s+\*)$/.exec(text)?.[1]?.trim();
  if (prefix && !prefix.includes('*')) return { type: 'prefix', words: prefix };
  if (text.includes('*')) {
    const source = text.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    return { type: 'glob', pattern: new RegExp(`^${source}$`, 's') };
  }
  return { type: 'exact', command: text };
}

/** True when `command` is one `rule` allows. */
export function matchesCommandRule(command: string, rule: CommandRule): boolean {
  const text = command.trim();
  if (rule.type === 'exact') return text === rule.command;
  if (rule.type === 'prefix') return matchesCommandPrefix(text, rule.words);
  return !hasControlSyntax(text) && rule.pattern.test(text);
}

/** How the entries read in a message: as the file wrote them. */
export function describeCommandRules(specs: readonly string[]): string {
  return specs.map((spec) => `Bash(${spec})`).join(', ');
}
