import { existsSync, mkdirSync, realpathSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

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
}

/** A command ready to spawn inside bubblewrap, and what to tidy once it has exited. */
export interface SandboxedCommand {
  file: string;
  args: string[];
  /** Removes the empty mount points the sandbox made in the workspace; call after the command has exited. */
  cleanup: () => void;
}

// The distribution's own copy first: a PATH that lacks it (or shadows it) should not decide the sandbox.
const BWRAP = existsSync('/usr/bin/bwrap') ? '/usr/bin/bwrap' : 'bwrap';
/** Folders in the workspace a command may never change, even by creating them: git runs hooks and reads config from `.git`, shoal reads `.shoal`. */
const PROTECTED_FOLDERS = ['.git', '.shoal'];

let probed: Promise<SandboxStatus> | undefined;

/** Probes bubblewrap once per process (later calls share the answer) by really running a no-op shell in a sandbox. */
export const sandboxStatus: SandboxProbe = () => (probed ??= probeBubblewrap());

async function probeBubblewrap(): Promise<SandboxStatus> {
  const without = (reason: string) => ({ isAvailable: false, note: `commands run without a sandbox: ${reason}` });
  if (process.platform !== 'linux') return without(`the sandbox needs Linux with bubblewrap, and this is ${process.platform}`);
  // bwrap can be installed yet refused by the kernel or a container (no user namespaces), so try it for real.
  // An absolute shell, so the probe tests bwrap rather than the PATH.
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
 * workspace and a private /tmp; `.git` and `.shoal` read-only (an empty
 * read-only folder where absent, so a command cannot plant one); `hiddenPaths`
 * unreadable; no network unless allowed; its own PID namespace and session.
 */
export function sandboxCommand(options: SandboxSettings & { cwd: string; command: string }): SandboxedCommand {
  const { cwd } = options;
  const args = [...isolationArgs(options), '--bind', cwd, cwd];
  const created: string[] = [];
  for (const name of PROTECTED_FOLDERS) {
    const folder = path.join(cwd, name);
    if (existsSync(folder)) {
      args.push('--ro-bind', folder, folder);
      continue;
    }
    // The mount point has to exist; made here, it can be removed again once the command is done.
    mkdirSync(folder);
    created.push(folder);
    args.push('--tmpfs', folder, '--remount-ro', folder);
  }
  for (const hidden of options.hiddenPaths ?? []) {
    const real = realOrUndefined(hidden);
    if (real) args.push('--tmpfs', real);
  }
  args.push('--chdir', cwd, '--', 'bash', '-c', options.command);
  return {
    file: BWRAP,
    args,
    cleanup() {
      for (const folder of created) {
        try {
          rmdirSync(folder);
        } catch {
          // Not empty: someone outside the sandbox created files there meanwhile; they are theirs to keep.
        }
      }
    },
  };
}

/** What every sandbox shares, the probe's included: read-only root, fresh /dev, /proc and /tmp, own PID namespace and session. */
function isolationArgs(options: SandboxSettings): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--unshare-pid',
    ...(options.network ? [] : ['--unshare-net']),
    // The namespace dies with shoal, and a new session keeps TIOCSTI from typing into the user's terminal.
    '--die-with-parent',
    '--new-session',
  ];
}

function realOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
