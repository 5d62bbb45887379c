import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createFileTracker, createMainTools, createWriteJournal } from '../../src/tools';
import type { ApprovalPreview, ToolResult } from '../../src/tools/types';
import { createTempWorkspace } from '../helpers/temp-workspace';

/**
 * The main agent's tools over a real temporary workspace, wired as a session
 * wires them: one tracker and one journal shared by every tool (apply_patch included).
 */
export async function createToolSession(files: Record<string, string | Buffer> = {}) {
  const cwd = await createTempWorkspace(files);
  const tracker = createFileTracker();
  const journal = createWriteJournal();
  const tools = createMainTools({
    cwd,
    tracker,
    journal,
    applyPatch: true,
    startResearch: () => {
      throw new Error('research is not used in these tests');
    },
  });
  const tool = (name: string) => {
    const found = tools.get(name);
    if (!found) throw new Error(`no tool ${name}`);
    return found;
  };
  return {
    cwd,
    tracker,
    journal,
    tools,
    /** Runs a tool as one call of batch `batchId`. */
    run(name: string, input: unknown, batchId = 'main:1'): Promise<ToolResult> {
      const context = { signal: new AbortController().signal, toolCallId: `call-${name}`, batchId, emit: () => {} };
      return tool(name).execute(input, context);
    },
    preview(name: string, input: unknown): Promise<ApprovalPreview> {
      return tool(name).preview!(input);
    },
    read(relative: string): Promise<Buffer> {
      return readFile(path.join(cwd, relative));
    },
    path(relative: string): string {
      return path.join(cwd, relative);
    },
  };
}
