import { createApplyPatchTool } from './apply-patch/apply-patch';
import { createBashTool } from './shell/bash';
import { createFileTracker } from './edit/file-tracker';
import { createGlobTool } from './glob';
import { createGrepTool } from './grep';
import { createListDirTool } from './list-dir';
import { createReadFileTool } from './read-file';
import { createRegistry, type ToolRegistry } from './registry';
import { createResearchCodebaseTool, type AgentChoice, type StartResearch } from './research-codebase';
import type { SandboxSettings } from './shell/sandbox';
import type { ShoalTool, ToolOptions } from './types';
import { createUpdateFileTool } from './update-file';
import { createUpdatePlanTool } from './update-plan';
import { createWebFetchTool, type WebFetchOptions } from './web-fetch';
import { createWriteFileTool } from './write-file';

/**
 * The read-only tools: what research sub-agents get, and the main agent's read
 * side. Pass the session's `tracker` so their reads count for the stale-edit guard.
 */
export function createReadOnlyTools(options: ToolOptions): ShoalTool[] {
  return [createReadFileTool(options), createListDirTool(options), createGlobTool(options), createGrepTool(options)];
}

/**
 * Every tool of the main agent: read side, research, writes, commands and,
 * given `web`, web_fetch. The tools share `options.tracker` (a new one when
 * absent) and journal their writes into `options.journal` (keep the journal
 * you pass: it is how the UI undoes). `sandbox` configures bash's sandbox;
 * `applyPatch` adds apply_patch (see `offersApplyPatch` for which models get it);
 * `agents` are the user's own agents research_codebase offers.
 */
export function createMainTools(
  options: ToolOptions & { startResearch: StartResearch; sandbox?: SandboxSettings; web?: WebFetchOptions; applyPatch?: boolean; agents?: readonly AgentChoice[] },
): ToolRegistry {
  const { sandbox, web, applyPatch, agents, ...rest } = options;
  const shared = { ...rest, tracker: options.tracker ?? createFileTracker() };
  return createRegistry([
    ...createReadOnlyTools(shared),
    createResearchCodebaseTool({ startResearch: shared.startResearch, agents }),
    createWriteFileTool(shared),
    createUpdateFileTool(shared),
    ...(applyPatch ? [createApplyPatchTool(shared)] : []),
    createBashTool({ ...shared, ...sandbox }),
    ...(web ? [createWebFetchTool(web)] : []),
    createUpdatePlanTool(),
  ]);
}

export { offersApplyPatch } from './apply-patch/offered';
export { createFileTracker, type FileTracker } from './edit/file-tracker';
export type { ToolRegistry } from './registry';
export { sessionDiff, type SessionDiff } from './edit/session-diff';
export { createWebAccess, type WebAccess } from './web/access';
export { createWebFetchTool, type WebFetchOptions } from './web-fetch';
export { createWriteJournal, type UndoPlan, type UndoResult, type WriteJournal } from './edit/write-journal';
