import type { ShoalTool } from './types';

/** The tools one agent may call, by name. */
export type ToolRegistry = ReadonlyMap<string, ShoalTool>;

/** Builds a registry from a list, refusing two tools with one name. */
export function createRegistry(tools: readonly ShoalTool[]): ToolRegistry {
  const registry = new Map<string, ShoalTool>();
  for (const tool of tools) {
    if (registry.has(tool.name)) throw new Error(`Two tools are named ${tool.name}.`);
    registry.set(tool.name, tool);
  }
  return registry;
}

/**
 * A registry, or a getter for the registry in effect now (tools that join
 * later, as MCP servers start). The loop reads it once per model step; a getter
 * returns the same object until its tools change, so per-registry caches hold.
 */
export type ToolSource = ToolRegistry | (() => ToolRegistry);

/** The registry `source` holds now. */
export function currentTools(source: ToolSource): ToolRegistry {
  return typeof source === 'function' ? source() : source;
}
