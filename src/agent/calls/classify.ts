import type { ToolRegistry } from '../../tools/registry';
import type { ShoalTool } from '../../tools/types';
import type { Phase, ToolCallInfo } from '../nodes';

/** The phases in the order they run within one segment of a response. */
export const PHASE_ORDER: readonly Phase[] = ['research', 'read-only', 'write'];

/** One phase to run: its kind and its calls in the model's order. */
export interface PlannedPhase {
  phase: Phase;
  calls: ToolCallInfo[];
}

/**
 * Plans one model response's calls as a sequence of phases. Calls are cut
 * into segments at each read (or research) the model placed after a write
 * or command, so that read runs after it and sees its effect; within a
 * segment, research runs first, then the reads as one parallel batch, then
 * the writes one at a time. The common case, all reads before any write,
 * is a single segment. A call to a tool the registry lacks counts as a read,
 * where it fails at once without side effects.
 */
export function planPhases(calls: readonly ToolCallInfo[], tools: ToolRegistry): PlannedPhase[] {
  const segments: Record<Phase, ToolCallInfo[]>[] = [];
  let segment: Record<Phase, ToolCallInfo[]> | undefined;
  for (const call of calls) {
    const phase = phaseOf(tools.get(call.toolName), call.input);
    if (!segment || (phase !== 'write' && segment.write.length > 0)) {
      segment = { research: [], 'read-only': [], write: [] };
      segments.push(segment);
    }
    segment[phase].push(call);
  }
  return segments.flatMap((planned) =>
    PHASE_ORDER.filter((phase) => planned[phase].length > 0).map((phase) => ({ phase, calls: planned[phase] })),
  );
}

/**
 * The phase one call runs in: the tool's `kindOf` for this input when it has
 * one and the input fits, else its `kind`; a call to an unknown tool counts as a read.
 */
export function phaseOf(tool: ShoalTool | undefined, input: unknown): Phase {
  if (!tool) return 'read-only';
  if (!tool.kindOf) return tool.kind;
  const parsed = tool.inputSchema.safeParse(input);
  return parsed.success ? tool.kindOf(parsed.data) : tool.kind;
}
