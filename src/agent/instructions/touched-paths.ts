import { parsePatch } from '../../tools/apply-patch/parse-patch';
import type { ToolCallInfo } from '../nodes';

/** The tools whose `path` names a file or folder they work on; for list_dir, glob and grep it is optional (the root). */
const PATH_TOOLS = new Set(['read_file', 'write_file', 'update_file', 'list_dir', 'glob', 'grep']);

/**
 * The workspace paths one call works on, as the model gave them: a file
 * tool's `path`, or every file an apply_patch adds, updates, moves or
 * deletes. Empty for other tools, and for a patch that does not parse.
 */
export function touchedPaths(call: ToolCallInfo): string[] {
  const input = call.input as Record<string, unknown> | undefined;
  if (PATH_TOOLS.has(call.toolName)) return typeof input?.path === 'string' ? [input.path] : [];
  if (call.toolName !== 'apply_patch' || typeof input?.input !== 'string') return [];
  try {
    return parsePatch(input.input).flatMap((operation) =>
      operation.type === 'update' && operation.moveTo ? [operation.path, operation.moveTo] : [operation.path],
    );
  } catch {
    return [];
  }
}
