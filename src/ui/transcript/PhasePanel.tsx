import { Box, Text } from 'ink';
import { selectBatchTiming, selectPhaseCalls } from '../../state/selectors';
import type { CallView, PhaseView, StepView, TurnView } from '../../state/types';
import { formatDuration, PHASE_TITLE } from '../format';
import { ToolRow } from './ToolRow';

export interface PhasePanelProps {
  phase: PhaseView;
  step: StepView;
  /** For the research rows' sub-agents. */
  turn: TurnView;
  /**
   * Most rows to show (the live panel must fit the screen, or every redraw
   * scrolls and flickers): calls still moving come first, and the rest are
   * counted in one line. A settled panel shows every row.
   */
  maxRows?: number;
}

/**
 * One phase of one model response: a header saying how its calls ran (for a
 * batch, how many in parallel and its wall time against the sum of its
 * calls' times), then a row per call.
 */
export function PhasePanel({ phase, step, turn, maxRows }: PhasePanelProps) {
  const calls = selectPhaseCalls(step, phase);
  const shown = maxRows !== undefined && calls.length > maxRows ? pickRows(calls, maxRows - 1) : calls;
  const hidden = calls.filter((call) => !shown.includes(call));
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan" bold>
          {PHASE_TITLE[phase.phase]}
        </Text>
        <Text dimColor>{` · ${headerDetail(phase, step)}`}</Text>
      </Text>
      <Box flexDirection="column" borderStyle="single" borderColor="gray" borderTop={false} borderRight={false} borderBottom={false} paddingLeft={1}>
        {shown.map((call) => (
          <ToolRow key={call.key} call={call} turn={turn} />
        ))}
        {hidden.length > 0 ? <Text dimColor>{`… ${hidden.length} more: ${countByStatus(hidden)}`}</Text> : null}
      </Box>
    </Box>
  );
}

function headerDetail(phase: PhaseView, step: StepView): string {
  const timing = selectBatchTiming(step, phase);
  const count = `${timing.calls} ${timing.calls === 1 ? 'call' : 'calls'}`;
  if (phase.phase === 'write') return phase.durationMs === undefined ? `${count}, one at a time` : `${count} · ${formatDuration(phase.durationMs)}`;
  const label = phase.phase === 'research' ? `${timing.calls} ${timing.calls === 1 ? 'sub-agent' : 'sub-agents'}` : count;
  if (timing.wallMs === undefined) return `${label} in parallel`;
  const speedup = timing.wallMs > 0 && timing.calls > 1 ? ` · ${(timing.sumMs / timing.wallMs).toFixed(1)}× faster` : '';
  return `${label} in parallel · ${formatDuration(timing.wallMs)} wall vs ${formatDuration(timing.sumMs)} summed${speedup}`;
}

/** Up to `count` calls in the model's order, those still moving (running, waiting) kept first. */
function pickRows(calls: CallView[], count: number): CallView[] {
  const isMoving = (call: CallView) => call.status === 'running' || call.status === 'awaiting-approval';
  const keep = new Set([...calls.filter(isMoving), ...calls.filter((call) => !isMoving(call))].slice(0, count));
  return calls.filter((call) => keep.has(call));
}

function countByStatus(calls: readonly CallView[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.status, (counts.get(call.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}
