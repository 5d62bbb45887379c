import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveInWorkspace, shortenPath, toWorkspacePath } from './paths';

/** A path the model named, resolved inside the workspace. */
export interface ToolPath {
  /** The workspace root, symlinks resolved (what `toWorkspacePath` needs). */
  root: string;
  /** Where the path really is, symlinks resolved. */
  absolute: string;
  /** The path as the model should see it in messages: workspace-relative, as asked. */
  shownPath: string;
}

/** Resolves `requested` with `resolveInWorkspace`, refusing escapes with its message. */
export async function resolveToolPath(cwd: string, requested: string): Promise<ToolPath> {
  const root = await realpath(cwd);
  const shownPath = toWorkspacePath(root, path.resolve(root, requested || '.'));
  try {
    return { root, absolute: await resolveInWorkspace(root, requested), shownPath };
  } catch (error) {
    throw toFsError(error, shownPath);
  }
}

/** Stats a resolved path, with the missing or unreadable cases as next-step messages. */
export async function statToolPath(target: ToolPath): Promise<Stats> {
  try {
    return await stat(target.absolute);
  } catch (error) {
    throw toFsError(error, target.shownPath);
  }
}

/** Sentences for the file system error codes a tool meets, saying what to do next. */
const MESSAGES: Record<string, (shownPath: string) => string> = {
  ENOENT: (shownPath) => `No file or directory at ${shownPath}. Use list_dir or glob to find the right path.`,
  ENOTDIR: (shownPath) => `${shownPath} does not exist: a part of that path is a file, not a directory.`,
  EISDIR: (shownPath) => `${shownPath} is a directory; use list_dir to see what it holds.`,
  EACCES: (shownPath) => `Permission denied for ${shownPath}; shoal cannot read it. Try another path.`,
  EPERM: (shownPath) => `Permission denied for ${shownPath}; shoal cannot read it. Try another path.`,
  ELOOP: (shownPath) => `${shownPath} is a symlink loop; it cannot be read.`,
  ENAMETOOLONG: (shownPath) =>
    `The path ${shortenPath(shownPath)} (${shownPath.length} characters) is longer than the system allows, ` +
    "so shoal's file tools cannot open it; bash can reach it by cd-ing into it a few folders at a time.",
  EMFILE: () => 'Too many files are open right now; retry the call.',
  ENFILE: () => 'Too many files are open right now; retry the call.',
};

/**
 * Turns a Node file system error into a plain `Error` whose message names
 * `shownPath` (workspace-relative) and the next step; other errors pass through.
 */
export function toFsError(error: unknown, shownPath: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = code === undefined ? undefined : MESSAGES[code];
  if (message) return new Error(message(shownPath));
  if (code !== undefined) return new Error(`Could not read ${shownPath} (${code}).`);
  return error instanceof Error ? error : new Error(String(error));
}

/** A path for a describe line: workspace-relative when it is inside, else as given. */
export function describePath(cwd: string, requested: string | undefined): string {
  if (requested === undefined || requested === '') return '.';
  const relative = toWorkspacePath(cwd, path.resolve(cwd, requested));
  return relative === '..' || relative.startsWith('../') ? requested : relative;
}
