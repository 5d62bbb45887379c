import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { openRegularFile, readHead } from '../workspace/regular-file';
import { type GitContext, runGit } from './git';
import { toRaw } from './raw-path';
import { literalRule, translateIgnoreRules } from './translate-ignore';

/** A rules file bigger than this is read only this far (as `loadGitignore` caps .gitignore files). */
const MAX_RULES_BYTES = 1024 * 1024;

/** The user's repository around the workspace, if any: where its ignore rules live. */
export interface EnclosingRepository {
  /** The folder holding `.git`: the workspace itself, or a folder above it. */
  root: string;
  /** The workspace relative to `root` ("" when they are the same), `/`-separated. */
  relativeWorkspace: string;
  /** The repository's `info/exclude`, found through a `.git` file (a worktree, a submodule) too. */
  excludeFile: string | undefined;
}

/**
 * The git repository the workspace is in, found the way git finds it: the
 * nearest folder, from the workspace up, holding a `.git` folder or file.
 * Undefined when the workspace is in no repository. Contract: never rejects.
 */
export async function findEnclosingRepository(workspace: string): Promise<EnclosingRepository | undefined> {
  for (let folder = workspace; ; folder = path.dirname(folder)) {
    const dotGit = path.join(folder, '.git');
    const stats = await lstat(dotGit).catch(() => undefined);
    if (stats?.isDirectory()) return { root: folder, relativeWorkspace: relativeOf(folder, workspace), excludeFile: path.join(dotGit, 'info', 'exclude') };
    if (stats?.isFile()) {
      const common = await commonGitDir(dotGit);
      return { root: folder, relativeWorkspace: relativeOf(folder, workspace), excludeFile: common && path.join(common, 'info', 'exclude') };
    }
    if (path.dirname(folder) === folder) return undefined;
  }
}

/** A `.git` file says `gitdir: <path>`; a worktree's gitdir names the shared one in `commondir`. */
async function commonGitDir(dotGitFile: string): Promise<string | undefined> {
  const line = (await readCapped(dotGitFile, 'utf8'))?.split('\n')[0]?.trim();
  if (!line?.startsWith('gitdir:')) return undefined;
  const gitDir = path.resolve(path.dirname(dotGitFile), line.slice('gitdir:'.length).trim());
  const common = (await readCapped(path.join(gitDir, 'commondir'), 'utf8'))?.split('\n')[0]?.trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}

/**
 * The user's global ignore file, found as their git finds it: `core.excludesFile`
 * in their global config, else `$XDG_CONFIG_HOME/git/ignore`, else
 * `~/.config/git/ignore`. Only this one value of the user's config is read
 * (reading config runs nothing); undefined without a home folder.
 * Contract: never rejects.
 */
export async function findGlobalExcludesFile(context: GitContext): Promise<string | undefined> {
  const home = context.env.HOME;
  if (!home) return undefined;
  const xdgConfig = context.env.XDG_CONFIG_HOME || path.join(home, '.config');
  const configured = await runGit(context, ['config', '--global', '--type=path', '--get', 'core.excludesFile'], {
    env: { HOME: home, XDG_CONFIG_HOME: context.env.XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL: undefined },
  });
  const named = configured.ok ? configured.stdout.toString('utf8').trim() : '';
  return named ? path.resolve(home, named) : path.join(xdgConfig, 'git', 'ignore');
}

/**
 * The shadow repository's exclude file: the user's global ignore file, the
 * enclosing repository's `info/exclude`, then the .gitignore of every folder
 * from its root down to the workspace's parent, each rewritten relative to the
 * workspace (later lines win, as deeper files do in git). The workspace's own .gitignore files need no copy:
 * git reads them in the work tree. `shadowGitDir`, when inside the workspace, is
 * excluded too, so the store never stores itself.
 * The text is raw (one char per byte, see raw-path.ts): write it as latin1.
 * Contract: never rejects; an unreadable file adds nothing.
 */
export async function shadowExcludeText(options: {
  workspace: string;
  repository: EnclosingRepository | undefined;
  shadowGitDir: string;
  globalExcludesFile?: string | undefined;
}): Promise<string> {
  const { workspace, repository } = options;
  const sections: string[] = ['# Written by shoal: the ignore rules of the folders above the workspace, as seen from it.'];
  // Lowest precedence first: git lets info/exclude and every .gitignore override the global file.
  if (options.globalExcludesFile) sections.push(...(await rulesFrom(options.globalExcludesFile, repository?.relativeWorkspace ?? '')));
  if (repository) {
    if (repository.excludeFile) sections.push(...(await rulesFrom(repository.excludeFile, repository.relativeWorkspace)));
    const segments = repository.relativeWorkspace === '' ? [] : repository.relativeWorkspace.split('/');
    for (let depth = 0; depth < segments.length; depth++) {
      const folder = path.join(repository.root, ...segments.slice(0, depth));
      sections.push(...(await rulesFrom(path.join(folder, '.gitignore'), segments.slice(depth).join('/'))));
    }
  }
  const relativeStore = path.relative(workspace, options.shadowGitDir);
  if (relativeStore !== '' && !relativeStore.startsWith('..') && !path.isAbsolute(relativeStore)) {
    sections.push(`${literalRule(toRaw(relativeStore.split(path.sep).join('/')))}/`);
  }
  return `${sections.join('\n')}\n`;
}

async function rulesFrom(file: string, relativeWorkspace: string): Promise<string[]> {
  const text = await readCapped(file, 'latin1');
  return text === undefined ? [] : translateIgnoreRules(text, toRaw(relativeWorkspace));
}

/** A regular file's first MAX_RULES_BYTES; undefined for anything else (missing, a FIFO, a symlink). */
async function readCapped(file: string, encoding: 'utf8' | 'latin1'): Promise<string | undefined> {
  try {
    const opened = await openRegularFile(file);
    if (!opened.isRegular) return undefined;
    try {
      return (await readHead(opened.handle, Math.min(opened.stats.size, MAX_RULES_BYTES))).toString(encoding);
    } finally {
      await opened.handle.close();
    }
  } catch {
    return undefined;
  }
}

function relativeOf(root: string, workspace: string): string {
  return path.relative(root, workspace).split(path.sep).join('/');
}
