import type { ToolRegistry } from '../tools/registry';
import type { Phase, ToolCallInfo } from './nodes';

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
    const phase = tools.get(call.toolName)?.kind ?? 'read-only';
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
