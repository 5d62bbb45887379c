import { Box, Text } from 'ink';
import { selectBatchTiming, selectPhaseCalls } from '../state/selectors';
import type { PhaseView, StepView, TurnView } from '../state/types';
import { formatDuration, PHASE_TITLE } from './format';
import { ToolRow } from './ToolRow';

export interface PhasePanelProps {
  phase: PhaseView;
  step: StepView;
  /** For the research rows' sub-agents. */
  turn: TurnView;
}

/**
 * One phase of one model response: a header saying how its calls ran (for a
 * batch, how many in parallel and its wall time against the sum of its
 * calls' times), then a row per call.
 */
export function PhasePanel({ phase, step, turn }: PhasePanelProps) {
  const calls = selectPhaseCalls(step, phase);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan" bold>
          {PHASE_TITLE[phase.phase]}
        </Text>
        <Text dimColor>{` · ${headerDetail(phase, step)}`}</Text>
      </Text>
      <Box flexDirection="column" borderStyle="single" borderColor="gray" borderTop={false} borderRight={false} borderBottom={false} paddingLeft={1}>
        {calls.map((call) => (
          <ToolRow key={call.key} call={call} turn={turn} />
        ))}
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
