import type { McpManager } from '../tools/mcp/client';
import { createRegistry, type ToolRegistry } from '../tools/registry';
import type { ShoalTool } from '../tools/types';

/** One empty list for every call without MCP: a new `[]` each time would rebuild the registry each step. */
const NO_TOOLS: readonly ShoalTool[] = [];

/**
 * A getter for `builtIn` plus the MCP tools `include` keeps, rebuilt only when
 * the MCP tools change, so the registry (and the model step's cache of it) is
 * the same object from step to step.
 */
export function withMcpTools(builtIn: readonly ShoalTool[], mcp: Pick<McpManager, 'tools'> | undefined, include: (tool: ShoalTool) => boolean): () => ToolRegistry {
  let seen: readonly ShoalTool[] | undefined;
  let registry = createRegistry(builtIn);
  return () => {
    const current = mcp?.tools() ?? NO_TOOLS;
    if (current !== seen) {
      seen = current;
      // Two servers whose names sanitise alike ("a.b", "a_b") must not make the registry throw: the first keeps the name.
      const names = new Set(builtIn.map((tool) => tool.name));
      const joining = current.filter((tool) => include(tool) && !names.has(tool.name) && names.add(tool.name));
      registry = createRegistry([...builtIn, ...joining]);
    }
    return registry;
  };
}
