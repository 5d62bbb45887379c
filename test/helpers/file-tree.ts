import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';

/** One entry of a snapshot: what it is, its permission bits, and its bytes or link target (hashed). */
export interface TreeEntry {
  type: 'file' | 'symlink' | 'folder' | 'other';
  mode: number;
  /** sha256 of a file's bytes or of a symlink's target. */
  content?: string;
  /** Only in `withTimes` snapshots: proof a file was not even rewritten. */
  mtimeMs?: number;
}

/**
 * Every entry under `root` by relative path (bytes read as latin1, so names
 * that are not UTF-8 are kept exactly), except what `skip` says: enough to
 * assert that a tree is back byte for byte, modes and symlinks included.
 */
export async function snapshotTree(root: string, options: { skip?: (relative: string) => boolean; withTimes?: boolean } = {}): Promise<Record<string, TreeEntry>> {
  const entries: Record<string, TreeEntry> = {};
  const walk = async (folder: Buffer, relative: string) => {
    const names = (await readdir(folder, { encoding: 'buffer' })).sort(Buffer.compare);
    for (const name of names) {
      const childRelative = relative === '' ? name.toString('latin1') : `${relative}/${name.toString('latin1')}`;
      if (options.skip?.(childRelative)) continue;
      const child = Buffer.concat([folder, Buffer.from('/'), name]);
      const stats = await lstat(child);
      const mode = stats.mode & 0o7777;
      const times = options.withTimes ? { mtimeMs: stats.mtimeMs } : {};
      if (stats.isSymbolicLink()) {
        entries[childRelative] = { type: 'symlink', mode: 0, content: hash(await readlink(child, { encoding: 'buffer' })) };
      } else if (stats.isFile()) {
        entries[childRelative] = { type: 'file', mode, content: hash(await readFile(child)), ...times };
      } else if (stats.isDirectory()) {
        entries[childRelative] = { type: 'folder', mode };
        await walk(child, childRelative);
      } else {
        entries[childRelative] = { type: 'other', mode };
      }
    }
  };
  await walk(Buffer.from(root), '');
  return entries;
}

function hash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The environment for the user's own git in tests: no system or global config of the machine, a fixed author. */
export function userGitEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };
  return {
    ...env,
    GIT_AUTHOR_NAME: 'User',
    GIT_AUTHOR_EMAIL: 'user@example.com',
    GIT_COMMITTER_NAME: 'User',
    GIT_COMMITTER_EMAIL: 'user@example.com',
  };
}

/** Runs the user's git in `cwd` and returns its stdout. */
export function userGit(cwd: string, home: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: userGitEnv(home), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
