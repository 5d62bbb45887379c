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
