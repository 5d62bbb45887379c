import path from 'node:path';

/**
 * A call's input as hook scripts read it: shoal's own fields, plus Claude
 * Code's `file_path` (absolute) beside a `path`, since formatter scripts
 * written for Claude Code read `.tool_input.file_path`.
 */
export function hookToolInput(input: unknown, cwd: string): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const fields = input as Record<string, unknown>;
  if (typeof fields.path !== 'string' || 'file_path' in fields) return input;
  return { ...fields, file_path: path.resolve(cwd, fields.path) };
}

/**
 * A PreToolUse hook's `updatedInput` as the tool takes it: the hook saw
 * `file_path` beside `path` (see `hookToolInput`), so a changed `file_path`
 * is the new `path`, made workspace-relative. A path outside the workspace
 * stays outside ("../x"): the tool's own confinement refuses it.
 */
export function toolInputFromHook(updated: Record<string, unknown>, options: { original: unknown; cwd: string; takesPath: boolean }): Record<string, unknown> {
  if (!options.takesPath || typeof updated.file_path !== 'string') return updated;
  const { file_path: filePath, ...rest } = updated;
  const shown = hookToolInput(options.original, options.cwd) as { file_path?: unknown } | undefined;
  // A hook that edited `path` and passed the rest through unchanged meant `path`.
  if (typeof rest.path === 'string' && filePath === shown?.file_path) return rest;
  return { ...rest, path: path.relative(options.cwd, path.resolve(options.cwd, filePath)) || '.' };
}
