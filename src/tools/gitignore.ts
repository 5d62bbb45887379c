import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Directory names hidden everywhere, whatever the .gitignore files say. */
const ALWAYS_IGNORED = new Set(['.git']);

/** How many directories the nested walk reads at once. */
const WALK_CONCURRENCY = 32;

/** The gitignore rules that apply below one directory of the workspace. */
export interface GitignoreFilter {
  /** True when the workspace-relative path (`/`-separated) is ignored; dir-only rules need `isDirectory`. */
  isIgnored(workspacePath: string, isDirectory: boolean): boolean;
  /** Workspace-relative directories below the base that are ignored whole; walkers prune them. */
  ignoredDirectories: string[];
}

/** Where to load rules for. */
export interface LoadGitignoreOptions {
  /** The workspace root, symlinks resolved. */
  root: string;
  /** Workspace-relative directory being listed or searched ("." for the root). */
  base: string;
  /** Also walk below `base` for nested .gitignore files (glob, grep); list_dir needs only the chain down to `base`. */
  isNested: boolean;
  signal?: AbortSignal;
}

interface RuleSet {
  /** Workspace-relative directory holding the .gitignore ("" for the root). */
  directory: string;
  rules: Ignore;
}

/**
 * Loads `.git/info/exclude` and every .gitignore from the root down to `base`
 * (and below it when `isNested`). A base the rules ignore (say `node_modules/zod`)
 * was asked for by name, so only `.git` stays hidden inside it.
 */
export async function loadGitignore(options: LoadGitignoreOptions): Promise<GitignoreFilter> {
  const base = options.base === '.' ? '' : options.base;
  const ruleSets: RuleSet[] = [];
  const exclude = await readRules(path.join(options.root, '.git', 'info', 'exclude'));
  if (exclude) ruleSets.push({ directory: '', rules: exclude });
  for (const directory of selfAndAncestors(base).reverse()) {
    const rules = await readRules(path.join(options.root, directory, '.gitignore'));
    if (rules) ruleSets.push({ directory, rules });
  }
  const filter = createFilter(ruleSets);
  if (base !== '' && filter.isIgnored(base, true)) return createFilter([]);
  if (options.isNested) await walkNested(options.root, base, ruleSets, filter, options.signal);
  return filter;
}

function createFilter(ruleSets: RuleSet[]): GitignoreFilter {
  const directoryCache = new Map<string, boolean>();
  const isIgnoredSelf = (workspacePath: string, isDirectory: boolean): boolean => {
    // Walk from the deepest .gitignore up: the nearest file with an opinion decides, as in git.
    for (let index = ruleSets.length - 1; index >= 0; index--) {
      const { directory, rules } = ruleSets[index]!;
      if (directory !== '' && !workspacePath.startsWith(`${directory}/`)) continue;
      const relative = directory === '' ? workspacePath : workspacePath.slice(directory.length + 1);
      const result = rules.test(isDirectory ? `${relative}/` : relative);
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return false;
  };
  const isDirectoryIgnored = (directory: string): boolean => {
    let cached = directoryCache.get(directory);
    if (cached === undefined) {
      cached = isIgnoredSelf(directory, true);
      directoryCache.set(directory, cached);
    }
    return cached;
  };
  return {
    ignoredDirectories: [],
    isIgnored(workspacePath, isDirectory) {
      if (workspacePath === '' || workspacePath === '.') return false;
      const segments = workspacePath.split('/');
      if (segments.some((segment) => ALWAYS_IGNORED.has(segment))) return true;
      // git never re-includes a file whose parent directory is excluded.
      for (let depth = 1; depth < segments.length; depth++) {
        if (isDirectoryIgnored(segments.slice(0, depth).join('/'))) return true;
      }
      return isDirectory ? isDirectoryIgnored(workspacePath) : isIgnoredSelf(workspacePath, false);
    },
  };
}

/** Breadth-first, so a directory's rules are loaded before any of its children are judged. */
async function walkNested(
  root: string,
  base: string,
  ruleSets: RuleSet[],
  filter: GitignoreFilter,
  signal: AbortSignal | undefined,
): Promise<void> {
  let level = [base];
  while (level.length > 0) {
    const next: string[] = [];
    for (let start = 0; start < level.length; start += WALK_CONCURRENCY) {
      signal?.throwIfAborted();
      const chunk = level.slice(start, start + WALK_CONCURRENCY);
      await Promise.all(
        chunk.map(async (directory) => {
          const entries = await readdir(path.join(root, directory), { withFileTypes: true }).catch(() => []);
          const hasRules = directory !== base && entries.some((entry) => entry.name === '.gitignore' && entry.isFile());
          const rules = hasRules ? await readRules(path.join(root, directory, '.gitignore')) : undefined;
          if (rules) ruleSets.push({ directory, rules });
          for (const entry of entries) {
            if (!entry.isDirectory() || ALWAYS_IGNORED.has(entry.name)) continue;
            const child = directory === '' ? entry.name : `${directory}/${entry.name}`;
            if (filter.isIgnored(child, true)) filter.ignoredDirectories.push(child);
            else next.push(child);
          }
        }),
      );
    }
    level = next;
  }
}

async function readRules(file: string): Promise<Ignore | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : ignore().add(text);
}

/** "a/b" -> ["a/b", "a", ""]. */
function selfAndAncestors(directory: string): string[] {
  const result: string[] = [];
  for (let current = directory; current !== ''; current = current.includes('/') ? path.posix.dirname(current) : '') {
    result.push(current);
  }
  result.push('');
  return result;
}
