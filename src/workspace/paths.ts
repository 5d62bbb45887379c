import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Resolves a path the model gave (relative to the workspace, or absolute inside
 * it) to an absolute path, refusing anything whose real location is outside the
 * workspace: `..` escapes, absolute paths elsewhere, and symlinks (to files or
 * through directories) that point out. Paths that do not exist yet are checked
 * through their deepest existing ancestor, so writes are covered too.
 */
export async function resolveInWorkspace(root: string, requested: string): Promise<string> {
  if (requested.includes('\0')) throw new Error(`Path ${JSON.stringify(requested)} contains a NUL byte.`);
  const realRoot = await realpath(root);
  const absolute = path.resolve(realRoot, requested === '' ? '.' : requested);
  const outside = () =>
    new Error(
      `Path ${requested} is outside the workspace (${realRoot}). Use a path relative to the workspace root.`,
    );
  if (!isInside(realRoot, absolute)) throw outside();

  // Walk up to the deepest part that exists and check where it really lives.
  let existing = absolute;
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      if (!isInside(realRoot, real)) throw outside();
      return path.join(real, ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // A dangling symlink: writing through it would create its target, wherever that is.
      if (await lstat(existing).then(() => true, () => false)) {
        throw new Error(`Path ${requested} goes through a symlink whose target does not exist; refusing to follow it.`);
      }
      const parent = path.dirname(existing);
      if (parent === existing) throw outside();
      missing.push(path.basename(existing));
      existing = parent;
    }
  }
}

/** True when `candidate` is `root` itself or below it. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

/** The workspace-relative form of an absolute path, for messages and summaries ("." for the root). */
export function toWorkspacePath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/') || '.';
}

/**
 * A path cut in the middle to at most `maxChars` characters ("abc…xyz"), for
 * messages: a path too long for the file system runs to thousands of characters.
 */
export function shortenPath(shownPath: string, maxChars = 80): string {
  if (shownPath.length <= maxChars) return shownPath;
  const head = Math.ceil((maxChars - 1) / 2);
  return `${shownPath.slice(0, head)}…${shownPath.slice(shownPath.length - (maxChars - 1 - head))}`;
}
