import { closeSync, existsSync, lstatSync, mkdirSync, openSync, realpathSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROTECTED_ROOT_ENTRIES } from '../../workspace/protected';

/** Whether commands run in the sandbox on this machine, and one line telling the user so. */
export interface SandboxStatus {
  isAvailable: boolean;
  note: string;
}

/** Answers whether the sandbox works here; injectable so tests can take the unsandboxed path. */
export type SandboxProbe = () => Promise<SandboxStatus>;

/** What a sandboxed command may reach beyond the workspace. */
export interface SandboxSettings {
  /** Folders the command must not read, e.g. shoal's config (API key) and state; each is covered by an empty tmpfs. */
  hiddenPaths?: readonly string[];
  /** Let the command use the network; off unless a setting turns it on. */
  network?: boolean;
  /** `.git` entries below the workspace root (see `nestedGitEntries`), bound read-only like the root's. */
  nestedGitEntries?: readonly string[];
}

/** A command ready to spawn inside bubblewrap, and what to tidy once it has exited. */
export interface SandboxedCommand {
  file: string;
  args: string[];
  /**
   * Removes the empty stand-ins the sandbox made in the workspace (unless
   * someone outside the sandbox has filled one meanwhile). Call once the
   * command has exited; later calls do nothing.
   */
  cleanup: () => void;
}

// The distribution's own copy first: a PATH that lacks it (or shadows it) should not decide the sandbox.
const BWRAP = existsSync('/usr/bin/bwrap') ? '/usr/bin/bwrap' : 'bwrap';

/**
 * Credentials in the home directory that a command never needs to read: each
 * is covered (an empty folder, or /dev/null for a file) so a command's output,
 * which goes to the model, cannot carry them.
 */
const HOME_CREDENTIALS = [
  '.ssh', '.aws', '.gnupg', '.netrc', '.git-credentials', '.npmrc', '.pypirc', '.docker', '.kube', '.azure',
  '.config/gh', '.config/hub', '.config/gcloud', '.cargo/credentials.toml', '.terraform.d/credentials.tfrc.json',
];

let probed: Promise<SandboxStatus> | undefined;

/** Probes bubblewrap once per process (later calls share the answer) by really running a no-op shell in a sandbox. */
export const sandboxStatus: SandboxProbe = () => (probed ??= probeBubblewrap());

async function probeBubblewrap(): Promise<SandboxStatus> {
  const without = (reason: string) => ({ isAvailable: false, note: `commands run without a sandbox: ${reason}` });
  if (process.platform !== 'linux') return without(`the sandbox needs Linux with bubblewrap, and this is ${process.platform}`);
  // bwrap can be installed yet refused by the kernel or a container (no user namespaces), so try it for real.
  // An absolute shell, so the probe tests bwrap rather than the PATH.
  // execa loads on first use: a run that never probes (headless with no command allowed) never pays for it.
  const { execa } = await import('execa');
  const result = await execa(BWRAP, [...isolationArgs({ network: false }), '--', '/bin/sh', '-c', 'exit 0'], {
    reject: false,
    stdin: 'ignore',
    timeout: 5000,
  });
  if (result.exitCode === 0) {
    return { isAvailable: true, note: 'commands run in a bubblewrap sandbox: no network, writes only to the workspace and /tmp' };
  }
  if (result.exitCode === undefined) return without('bwrap is not installed (Debian and Ubuntu: apt install bubblewrap)');
  return without(`bwrap does not work here (${String(result.stderr).trim().split('\n')[0] || `exit ${result.exitCode}`})`);
}

/**
 * `bash -c command` wrapped in bubblewrap: the filesystem read-only except the
 * workspace and a private /tmp; the protected entries at the workspace root
 * (`.git`, `.shoal`, `.husky`, `.envrc`, … see workspace/protected.ts)
 * read-only, and an empty read-only stand-in for each that does not exist, so
 * a command cannot create one either (a hook that would run later); `hiddenPaths` and
 * the home directory's credentials unreadable; /run's sockets out of reach; no
 * network unless allowed; its own PID, IPC namespace and session.
 */
export function sandboxCommand(options: SandboxSettings & { cwd: string; command: string }): SandboxedCommand {
  const { cwd } = options;
  const args = [...isolationArgs(options), '--bind', cwd, cwd];
  // Mount points have to exist: stand-ins made here are removed again once the command is done.
  const folders: string[] = [];
  const files: { path: string; ino: number }[] = [];
  const guard = (name: string, kind: 'folder' | 'file') => {
    const entry = path.join(cwd, name);
    const stats = lstatOrUndefined(entry);
    if (stats?.isSymbolicLink()) return;
    if (stats) return void args.push('--ro-bind', entry, entry);
    // A file whose folder is missing is covered by a read-only stand-in for the folder.
    if (kind === 'file' && lstatOrUndefined(path.dirname(entry)) === undefined) return guard(path.dirname(name), 'folder');
    try {
      if (kind === 'folder') {
        mkdirSync(entry);
        folders.push(entry);
        args.push('--tmpfs', entry, '--remount-ro', entry);
      } else {
        closeSync(openSync(entry, 'wx', 0o644));
        files.push({ path: entry, ino: lstatSync(entry).ino });
        args.push('--ro-bind', '/dev/null', entry);
      }
    } catch {
      // Created outside meanwhile (EEXIST): guard it as the existing entry it now is.
      if (lstatOrUndefined(entry)?.isSymbolicLink() === false) args.push('--ro-bind', entry, entry);
    }
  };
  for (const name of PROTECTED_ROOT_ENTRIES.folders) guard(name, 'folder');
  for (const name of PROTECTED_ROOT_ENTRIES.files) {
    // A folder stand-in already covers its files.
    if (!folders.includes(path.join(cwd, path.dirname(name)))) guard(name, 'file');
  }
  for (const entry of options.nestedGitEntries ?? []) {
    // Checked again now: a symlink put in its place since the walk must not carry the bind elsewhere.
    const stats = lstatOrUndefined(entry);
    if (stats && !stats.isSymbolicLink() && isInsideOrSame(entry, cwd)) args.push('--ro-bind', entry, entry);
  }
  const home = os.homedir();
  for (const hidden of [...(options.hiddenPaths ?? []), ...HOME_CREDENTIALS.map((name) => path.join(home, name))]) {
    const real = realOrUndefined(hidden);
    // Never over the workspace itself (a workspace inside ~/.ssh stays usable).
    if (!real || isInsideOrSame(cwd, real)) continue;
    args.push(...(isDirectory(real) ? ['--tmpfs', real] : ['--ro-bind', '/dev/null', real]));
  }
  args.push('--chdir', cwd, '--', 'bash', '-c', options.command);
  let isClean = false;
  return {
    file: BWRAP,
    args,
    cleanup() {
      if (isClean) return;
      isClean = true;
      // Outside the sandbox the stand-ins are ordinary: what someone (an editor) put in one is theirs to keep.
      for (const file of files) {
        const stats = lstatOrUndefined(file.path);
        if (stats?.isFile() && stats.size === 0 && stats.ino === file.ino) rmSync(file.path, { force: true });
      }
      for (const folder of folders.reverse()) {
        try {
          rmdirSync(folder);
        } catch {
          // Not empty: kept.
        }
      }
    },
  };
}

/** How long the walk for nested `.git` entries may take; what it found by then is protected. */
const NESTED_GIT_WALK_MS = 1000;
/** Folders read at once by that walk. */
const NESTED_GIT_READS = 16;
/**
 * Most nested `.git` entries protected, the shallowest first: each is two
 * arguments to bwrap, and a repository planting a million of them must not
 * push a command's arguments past the kernel's limit and so stop every command.
 */
const MAX_NESTED_GIT_ENTRIES = 1000;
const nestedGitWalks = new Map<string, Promise<string[]>>();

/**
 * The `.git` entries below the workspace root (nested or vendored
 * repositories, a submodule's gitlink file), found once per workspace and
 * process. The sandbox binds each read-only, as it does the root's, so a
 * command cannot plant a hook that runs when the user next uses git there.
 * `node_modules` is not walked (packages, not repositories the user works
 * in), nor any `.git` folder's inside. Contract: never rejects.
 */
export function nestedGitEntries(root: string): Promise<string[]> {
  let walk = nestedGitWalks.get(root);
  if (!walk) {
    walk = findNestedGitEntries(root);
    nestedGitWalks.set(root, walk);
  }
  return walk;
}

async function findNestedGitEntries(root: string): Promise<string[]> {
  const found: string[] = [];
  const deadline = Date.now() + NESTED_GIT_WALK_MS;
  // Breadth first, a batch of folders at a time (libuv reads them side by side): shallow repositories come first.
  let folders = [root];
  while (folders.length > 0 && Date.now() < deadline && found.length < MAX_NESTED_GIT_ENTRIES) {
    const batch = folders.slice(0, NESTED_GIT_READS);
    folders = folders.slice(NESTED_GIT_READS);
    const listings = await Promise.all(batch.map((folder) => readdir(folder, { withFileTypes: true }).catch(() => [])));
    listings.forEach((entries, index) => {
      for (const entry of entries) {
        const full = path.join(batch[index]!, entry.name);
        if (entry.name === '.git') {
          if (batch[index] !== root && !entry.isSymbolicLink()) found.push(full);
        } else if (entry.isDirectory() && entry.name !== 'node_modules') {
          folders.push(full);
        }
      }
    });
  }
  return found.slice(0, MAX_NESTED_GIT_ENTRIES).sort();
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function isInsideOrSame(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** What every sandbox shares, the probe's included: read-only root, fresh /dev, /proc and /tmp, own PID namespace and session. */
function isolationArgs(options: SandboxSettings): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--tmpfs', '/var/tmp',
    // Sockets in /run (the user's D-Bus session, docker.sock, ssh and gpg agents) would let a command act outside.
    '--tmpfs', '/run',
    ...resolverArgs(options),
    '--unshare-pid',
    '--unshare-ipc',
    ...(options.network ? [] : ['--unshare-net']),
    // The namespace dies with shoal, and a new session keeps TIOCSTI from typing into the user's terminal.
    '--die-with-parent',
    '--new-session',
  ];
}

/** With the network on, name resolution must still work where /etc/resolv.conf points into /run (systemd-resolved). */
function resolverArgs(options: SandboxSettings): string[] {
  if (!options.network) return [];
  const resolv = realOrUndefined('/etc/resolv.conf');
  if (!resolv?.startsWith('/run/')) return [];
  const folder = path.dirname(resolv);
  return ['--ro-bind', folder, folder];
}

function realOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
