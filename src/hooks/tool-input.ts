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
