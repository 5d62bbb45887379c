import { createHash } from 'node:crypto';

/** What OpenAI (and so most providers) accept as a tool name. */
const MAX_NAME_LENGTH = 64;

/**
 * The name the model sees for `tool` of MCP server `server`: `mcp__server__tool`,
 * each part reduced to letters, digits, `_` and `-`. A name past 64 characters
 * keeps its start and ends in a short hash of the whole, so it stays unique.
 */
export function mcpToolName(server: string, tool: string): string {
  const name = `mcp__${sanitise(server)}__${sanitise(tool)}`;
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

function sanitise(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}
