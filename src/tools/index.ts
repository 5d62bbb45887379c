import { createBashTool } from './bash';
import { createGlobTool } from './glob';
import { createGrepTool } from './grep';
import { createListDirTool } from './list-dir';
import { createReadFileTool } from './read-file';
import { createRegistry, type ToolRegistry } from './registry';
import { createResearchCodebaseTool, type StartResearch } from './research-codebase';
import type { ShoalTool, ToolOptions } from './types';
import { createUpdateFileTool } from './update-file';
import { createWriteFileTool } from './write-file';

/** The read-only tools: what research sub-agents get, and the main agent's read side. */
export function createReadOnlyTools(options: ToolOptions): ShoalTool[] {
  return [createReadFileTool(options), createListDirTool(options), createGlobTool(options), createGrepTool(options)];
}

/** Every tool of the main agent: read side, research, writes and commands. */
export function createMainTools(options: ToolOptions & { startResearch: StartResearch }): ToolRegistry {
  return createRegistry([
    ...createReadOnlyTools(options),
    createResearchCodebaseTool(options),
    createWriteFileTool(options),
    createUpdateFileTool(options),
    createBashTool(options),
  ]);
}

export type { ToolRegistry } from './registry';
