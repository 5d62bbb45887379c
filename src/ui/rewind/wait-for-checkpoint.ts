import { currentTools, type ToolRegistry, type ToolSource } from '../../tools/registry';
import type { ShoalTool } from '../../tools/types';

/**
 * `source` with every tool that may change files (a `write` kind, or one whose
 * kind depends on the input) waiting for `ready()` before it executes, so the
 * turn's checkpoint holds the files as they were before the turn. The model
 * request, reads and approval questions never wait. A registry is wrapped once
 * (the loop's per-registry caches hold), and `ready` is read at each call.
 */
export function waitForCheckpoint(source: ToolSource, ready: () => Promise<unknown> | undefined): ToolSource {
  const wrapped = new WeakMap<ToolRegistry, ToolRegistry>();
  const wrap = (registry: ToolRegistry): ToolRegistry => {
    let found = wrapped.get(registry);
    if (!found) wrapped.set(registry, (found = new Map([...registry].map(([name, tool]) => [name, mayWrite(tool) ? waiting(tool, ready) : tool]))));
    return found;
  };
  return typeof source === 'function' ? () => wrap(source()) : wrap(currentTools(source));
}

function mayWrite(tool: ShoalTool): boolean {
  return tool.kind === 'write' || tool.kindOf !== undefined;
}

function waiting(tool: ShoalTool, ready: () => Promise<unknown> | undefined): ShoalTool {
  // The tool stays its own prototype: its other methods, and `this` in them, are untouched.
  return Object.assign(Object.create(tool) as ShoalTool, {
    async execute(input: unknown, context: Parameters<ShoalTool['execute']>[1]) {
      // A tool whose kind depends on the input (research_codebase running a user's agent) waits only as a write.
      if (!tool.kindOf || tool.kindOf(input) === 'write') await ready();
      return tool.execute(input, context);
    },
  });
}
