import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

/** The oldest git the store runs on: `-z` plumbing, `GIT_LITERAL_PATHSPECS` and `checkout-index --stdin` are all older. */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 25];
/**
 * From this version `update-index` writes all the blobs of one run into a
 * single pack when asked to (`core.bigFileThreshold`); before it, that setting
 * made one pack per file, so older gits write loose objects only.
 */
export const BULK_PACK_GIT_VERSION: readonly [number, number] = [2, 37];

/** A git command gives up after this; a hung network file system must not hold the store forever. */
const GIT_TIMEOUT_MS = 120_000;
/** How much of stderr is kept for the error line. */
const MAX_STDERR_BYTES = 16 * 1024;

/** Where one git command runs: the shadow repository, its index and the workspace as the work tree. */
export interface GitContext {
  /** The git binary: "git" (looked up on `env.PATH`) or an absolute path. */
  git: string;
  gitDir: string;
  indexFile: string;
  workTree: string;
  /** Where PATH (and, on Windows, the system folders) come from; nothing else of it reaches git. */
  env: NodeJS.ProcessEnv;
}

/** What a git command came to: its stdout, or one line saying why it failed. */
export type GitResult = { ok: true; stdout: Buffer } | { ok: false; error: string };

/** Who every checkpoint commit is by. */
export const AUTHOR = { name: 'shoal', email: 'shoal@localhost' };

/**
 * The environment of every git command: nothing of the user's git reaches it.
 * Every `GIT_*` variable of shoal's own environment is dropped (a hook's
 * `GIT_DIR`, `GIT_CONFIG_COUNT` injections), the system and global config and
 * attribute files are off, HOME and XDG_CONFIG_HOME point into the store, so
 * `~/.gitconfig`, `~/.config/git/*` and their filters, hooks, signing and
 * fsmonitor never apply. Pathspecs are literal, messages English.
 */
export function gitEnvironment(context: GitContext, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'Path', 'SystemRoot', 'TMPDIR', 'TEMP', 'TMP']) {
    if (context.env[name] !== undefined) kept[name] = context.env[name];
  }
  return {
    ...kept,
    GIT_DIR: context.gitDir,
    GIT_WORK_TREE: context.workTree,
    GIT_INDEX_FILE: context.indexFile,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    HOME: context.gitDir,
    XDG_CONFIG_HOME: `${context.gitDir}/no-config`,
    GIT_TERMINAL_PROMPT: '0',
    GIT_LITERAL_PATHSPECS: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    // zlib's state is allocated for every object git writes; glibc hands such blocks back to the
    // kernel each time, and the page faults of taking them again cost most of a first checkpoint
    // (measured: 312,000 faults and 9.6 s of system time for 20,000 files, against 1,350 and 0.4 s).
    GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824',
    ...extra,
  };
}

/**
 * Runs `git args` in `context` with `input` on stdin.
 * Contract: never rejects; a missing git, a non-zero exit or a timeout comes
 * back as `{ ok: false, error }` with one line naming the command and git's own reason.
 */
export function runGit(
  context: GitContext,
  args: readonly string[],
  options: { input?: Buffer; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<GitResult> {
  const timeoutMs = options.timeoutMs ?? GIT_TIMEOUT_MS;
  const command = `git ${subcommandOf(args)}`;
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(context.git, args, {
        cwd: context.workTree,
        env: gitEnvironment(context, options.env),
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      resolve({ ok: false, error: `${command} could not start: ${(error as Error).message}` });
      return;
    }
    const stdout: Buffer[] = [];
    let stderr = '';
    let isTimedOut = false;
    const timer = setTimeout(() => {
      isTimedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
    });
    // git may exit before reading all of stdin (a fatal error on the first path): that EPIPE is not the story.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // Node says ENOENT both for a missing program and a missing cwd; the store checks the workspace first.
      const reason = error.code === 'ENOENT' ? `${context.git} was not found on PATH` : error.message;
      resolve({ ok: false, error: `${command} could not start: ${reason}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ ok: true, stdout: Buffer.concat(stdout) });
      const why = isTimedOut ? `timed out after ${timeoutMs / 1000} s` : (reasonOf(stderr) ?? (signal ? `killed by ${signal}` : `exit ${code}`));
      resolve({ ok: false, error: `${command} failed: ${why}` });
    });
  });
}

/** "update-index" of `-c core.x=1 update-index --add`: what an error line names. */
function subcommandOf(args: readonly string[]): string {
  for (let index = 0; index < args.length; index++) {
    if (args[index] === '-c') index++;
    else if (!args[index]!.startsWith('-')) return args[index]!;
  }
  return args[0] ?? '';
}

/** The line of git's stderr that says what went wrong: the last `fatal:` or `error:`, else the last line. */
function reasonOf(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const reason = lines.findLast((line) => /^(fatal|error):/.test(line)) ?? lines.at(-1);
  return reason?.replace(/^(fatal|error):\s*/, '');
}

/** What `probeGit` found: a usable git and its version, or why there is none. */
export type GitProbe = { isAvailable: true; version: readonly [number, number, number] } | { isAvailable: false; reason: string };

/**
 * Runs `git --version` and checks it against MIN_GIT_VERSION.
 * Contract: never rejects.
 */
export async function probeGit(context: Pick<GitContext, 'git' | 'env'>): Promise<GitProbe> {
  const cwd = tmpdir();
  const result = await runGit({ ...context, gitDir: cwd, indexFile: '', workTree: cwd }, ['--version']);
  if (!result.ok) {
    const isMissing = result.error.includes('was not found on PATH');
    return { isAvailable: false, reason: isMissing ? 'git is not installed (not found on PATH)' : result.error };
  }
  const text = result.stdout.toString('utf8').trim();
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return { isAvailable: false, reason: `could not read git's version from "${text.slice(0, 80)}"` };
  const version = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] as const;
  if (!isAtLeast(version, MIN_GIT_VERSION)) {
    return { isAvailable: false, reason: `git ${version.join('.')} is older than ${MIN_GIT_VERSION.join('.')}, which checkpoints need` };
  }
  return { isAvailable: true, version };
}

/** True when `version` is `minimum` or newer. */
export function isAtLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let index = 0; index < minimum.length; index++) {
    const part = version[index] ?? 0;
    if (part !== minimum[index]) return part > minimum[index]!;
  }
  return true;
}
