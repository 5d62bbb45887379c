import type { ToolRegistry } from '../tools/registry';
import type { Phase, ToolCallInfo } from './nodes';

/** The phases in the order they run. */
export const PHASE_ORDER: readonly Phase[] = ['research', 'read-only', 'write'];

/**
 * Splits one model response's calls into phases, keeping the model's order
 * within each. A call to a tool the registry lacks lands in the read-only
 * phase, where it fails at once without side effects.
 */
export function classifyCalls(calls: readonly ToolCallInfo[], tools: ToolRegistry): Record<Phase, ToolCallInfo[]> {
  const phases: Record<Phase, ToolCallInfo[]> = { research: [], 'read-only': [], write: [] };
  for (const call of calls) phases[tools.get(call.toolName)?.kind ?? 'read-only'].push(call);
  return phases;
}
