import { readdir, type Dirent } from 'node:fs';
import path from 'node:path';
import type { FileSystemAdapter } from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import { readOwnFile } from './own-file';
import { toWorkspacePath } from './paths';

/** Directory names hidden everywhere, whatever the .gitignore files say. */
const ALWAYS_IGNORED = new Set(['.git']);

/** Where the rules are read for. */
export interface GitignoreOptions {
  /** The workspace root, symlinks resolved. */
  root: string;
  /** Workspace-relative directory being listed or searched ("." for the root). */
  base: string;
  signal?: AbortSignal;
}

/**
 * The .gitignore rules seen from one directory of the workspace, read lazily:
 * a directory's rules are loaded when the walk lists it, before any of its
 * entries are judged, so a walk reads every directory once.
 */
export interface Gitignore {
  /** The entries of `directory` (workspace-relative, "." for the root) that are neither ignored nor `.git`. */
  filterEntries(directory: string, entries: Dirent[]): Promise<Dirent[]>;
  /** Which of these files are ignored: those in listed directories are known already, others are judged now. */
  ignoredFiles(workspacePaths: string[]): Promise<Set<string>>;
  /**
   * fast-glob's `fs` option: its readdir lists only what `filterEntries`
   * keeps, so ignored directories are never entered. One walk, where loading
   * nested .gitignore files first would take a second. Given `onUnreadable`,
   * a directory that cannot be read is reported there and walked as empty
   * (fast-glob would stop or, with `suppressErrors`, say nothing); one that
   * vanished meanwhile (ENOENT, ENOTDIR) is not reported.
   */
  fileSystem(onUnreadable?: OnUnreadableDirectory): Partial<FileSystemAdapter>;
}

/**
 * Contract: called once per directory the walk could not list, with its
 * workspace path and the error; the walk goes on without its entries.
 */
export type OnUnreadableDirectory = (workspacePath: string, error: NodeJS.ErrnoException) => void;

/** Error codes that mean a path went away during a walk: nothing there was hidden from the caller. */
const VANISHED_CODES = new Set(['ENOENT', 'ENOTDIR']);

/** True for an error code that says the path is gone (not worth telling the model), not that it is unreadable. */
export function hasVanished(code: string | undefined): boolean {
  return code !== undefined && VANISHED_CODES.has(code);
}

interface RuleSet {
  /** Workspace-relative directory holding the .gitignore ("" for the root). */
  directory: string;
  rules: Ignore;
}

/**
 * Loads `.git/info/exclude` and every .gitignore from the root down to `base`;
 * directories below are read as they are listed. A base the rules ignore (say
 * `node_modules/zod`) was asked for by name, so only `.git` stays hidden inside it.
 */
export async function loadGitignore(options: GitignoreOptions): Promise<Gitignore> {
  const base = toRulePath(options.base);
  const rootChain: RuleSet[] = [];
  for (const file of [path.join('.git', 'info', 'exclude'), '.gitignore']) {
    const rules = await readRules(options.root, file);
    if (rules) rootChain.push({ directory: '', rules });
  }
  // The rules below the root load as directories are asked about, the base and its ancestors first.
  const { root, signal } = options;
  const fromRoot = createGitignore({ root, base: '', baseChain: rootChain, hasRules: true, isBaseHidden: false, signal });
  const isBaseHidden = hasHiddenSegment(base);
  if (!isBaseHidden && !(await fromRoot.isDirectoryIgnored(base))) return fromRoot;
  return createGitignore({ root, base, baseChain: [], hasRules: false, isBaseHidden, signal });
}

function createGitignore(options: {
  root: string;
  /** Where the walks start: nothing at or above it is judged. */
  base: string;
  /** The rule sets that apply to the base's entries. */
  baseChain: RuleSet[];
  hasRules: boolean;
  /** Inside `.git` everything stays hidden. */
  isBaseHidden: boolean;
  signal?: AbortSignal;
}): Gitignore & { isDirectoryIgnored(directory: string): Promise<boolean> } {
  const { root, base, signal } = options;
  /** The rule sets that apply to the entries of a directory, farthest first. */
  const chains = new Map<string, Promise<RuleSet[]>>([
    ['', Promise.resolve(options.baseChain.filter((set) => set.directory === ''))],
    [base, Promise.resolve(options.baseChain)],
  ]);
  /** Directories already judged, so each is judged once; the walk starts below the base. */
  const directoryVerdicts = new Map<string, boolean>([
    ['', false],
    [base, options.isBaseHidden],
  ]);

  const chainOf = (directory: string, hasGitignore?: boolean): Promise<RuleSet[]> => {
    let chain = chains.get(directory);
    if (chain === undefined) {
      chain = (async () => {
        const inherited = await chainOf(parentOf(directory));
        const rules =
          options.hasRules && hasGitignore !== false
            ? await readRules(root, path.join(directory, '.gitignore'))
            : undefined;
        return rules ? [...inherited, { directory, rules }] : inherited;
      })();
      chains.set(directory, chain);
    }
    return chain;
  };

  /** Directories whose entries were all judged, and the files among them found ignored. */
  const listedDirectories = new Set<string>();
  const ignoredListedFiles = new Set<string>();

  const judge = (workspacePath: string, isDirectory: boolean, chain: RuleSet[]): boolean => {
    const isIgnored = ALWAYS_IGNORED.has(nameOf(workspacePath)) || isIgnoredBy(chain, workspacePath, isDirectory);
    if (isDirectory) directoryVerdicts.set(workspacePath, isIgnored);
    else if (isIgnored) ignoredListedFiles.add(workspacePath);
    return isIgnored;
  };

  const isDirectoryIgnored = async (directory: string): Promise<boolean> => {
    const known = directoryVerdicts.get(directory);
    if (known !== undefined) return known;
    const parent = parentOf(directory);
    if (await isDirectoryIgnored(parent)) return true;
    return judge(directory, true, await chainOf(parent));
  };

  const filterEntries = async (workspacePath: string, entries: Dirent[]): Promise<Dirent[]> => {
    signal?.throwIfAborted();
    const directory = toRulePath(workspacePath);
    if (await isDirectoryIgnored(directory)) return [];
    const chain = await chainOf(directory, entries.some((entry) => entry.name === '.gitignore' && entry.isFile()));
    const kept = entries.filter((entry) => !judge(joinPath(directory, entry.name), entry.isDirectory(), chain));
    listedDirectories.add(directory);
    return kept;
  };

  const readdirFiltered = (
    onUnreadable: OnUnreadableDirectory | undefined,
    directory: string,
    optionsOrCallback: unknown,
    maybeCallback?: (error: NodeJS.ErrnoException | null, entries: unknown[]) => void,
  ): void => {
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!;
    const wantsTypes = typeof optionsOrCallback === 'object' && optionsOrCallback !== null && 'withFileTypes' in optionsOrCallback;
    const onReadError = (readError: NodeJS.ErrnoException) => {
      if (onUnreadable === undefined || hasVanished(readError.code)) return callback(readError, []);
      onUnreadable(toWorkspacePath(root, directory), readError);
      callback(null, []);
    };
    const onRead = (readError: NodeJS.ErrnoException | null, entries: Dirent[]) => {
      if (readError) return onReadError(readError);
      filterEntries(toWorkspacePath(root, directory), entries).then(
        (kept) => callback(null, wantsTypes ? kept : kept.map((entry) => entry.name)),
        (error: NodeJS.ErrnoException) => callback(error, []),
      );
    };
    try {
      readdir(directory, { withFileTypes: true }, onRead);
    } catch (error) {
      // An invalid path throws here rather than calling back; thrown inside the walk it would crash the process.
      onReadError(error as NodeJS.ErrnoException);
    }
  };

  return {
    filterEntries,
    isDirectoryIgnored,
    async ignoredFiles(workspacePaths) {
      const ignored = new Set<string>();
      for (const workspacePath of workspacePaths) {
        const parent = parentOf(workspacePath);
        const isIgnored = listedDirectories.has(parent)
          ? ignoredListedFiles.has(workspacePath)
          : (await isDirectoryIgnored(parent)) || judge(workspacePath, false, await chainOf(parent));
        if (isIgnored) ignored.add(workspacePath);
      }
      return ignored;
    },
    fileSystem: (onUnreadable) => ({ readdir: readdirFiltered.bind(undefined, onUnreadable) as FileSystemAdapter['readdir'] }),
  };
}

/** The nearest .gitignore with an opinion decides, as in git. */
function isIgnoredBy(chain: RuleSet[], workspacePath: string, isDirectory: boolean): boolean {
  for (let index = chain.length - 1; index >= 0; index--) {
    const { directory, rules } = chain[index]!;
    const relative = directory === '' ? workspacePath : workspacePath.slice(directory.length + 1);
    const result = rules.test(isDirectory ? `${relative}/` : relative);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

function hasHiddenSegment(workspacePath: string): boolean {
  return workspacePath.split('/').some((segment) => ALWAYS_IGNORED.has(segment));
}

/** A .gitignore bigger than this is read only this far: rules are lines, and a huge file is an attack, not a list. */
const MAX_RULES_BYTES = 1024 * 1024;

async function readRules(root: string, file: string): Promise<Ignore | undefined> {
  const read = await readOwnFile(root, file, { maxBytes: MAX_RULES_BYTES });
  return read.status === 'read' ? ignore().add(read.text) : undefined;
}

/** Rules see the root as "", where workspace paths say ".". */
function toRulePath(workspacePath: string): string {
  return workspacePath === '.' ? '' : workspacePath;
}

/** "a/b" -> "b". */
function nameOf(workspacePath: string): string {
  return workspacePath.slice(workspacePath.lastIndexOf('/') + 1);
}

/** "a/b" -> "a", "a" -> "". */
function parentOf(workspacePath: string): string {
  const slash = workspacePath.lastIndexOf('/');
  return slash === -1 ? '' : workspacePath.slice(0, slash);
}

function joinPath(directory: string, name: string): string {
  return directory === '' ? name : `${directory}/${name}`;
}
