import { Box, Text } from 'ink';
import type { StepView, TurnView } from '../../state/types';
import { AgentStep } from './AgentStep';

export interface LiveTurnProps {
  turn: TurnView;
  step: StepView | undefined;
  /** Most lines of streaming text to show, so the live region fits the screen. */
  maxTextLines: number;
  /** Most call rows per panel, for the same reason. */
  maxCallRows: number;
  /** Show reasoning in full rather than one line. */
  isReasoningExpanded?: boolean;
}

/** The part of the running turn still changing: the main agent's current step. */
export function LiveTurn({ turn, step, maxTextLines, maxCallRows, isReasoningExpanded }: LiveTurnProps) {
  if (!step) return <Text dimColor>…</Text>;
  return (
    <Box flexDirection="column">
      <AgentStep step={step} turn={turn} maxTextLines={maxTextLines} maxCallRows={maxCallRows} isLive isReasoningExpanded={isReasoningExpanded} />
    </Box>
  );
}
