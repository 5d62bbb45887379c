import { Box, Text } from 'ink';
import type { AgentView, TurnView } from '../../state/types';
import { AgentStep } from './AgentStep';

export interface AgentStepsProps {
  agent: AgentView;
  turn: TurnView;
  /** Most recent steps shown; earlier ones are counted in one line, so nested agents stay short. */
  maxSteps?: number;
}

/** Rows a nested sub-agent's panel shows: several may run at once, and the live region must fit. */
const NESTED_CALL_ROWS = 4;

/** A sub-agent's steps, nested under the call that spawned it: what it said and its panels. */
export function AgentSteps({ agent, turn, maxSteps = 1 }: AgentStepsProps) {
  const hidden = Math.max(0, agent.steps.length - maxSteps);
  return (
    <Box flexDirection="column">
      {hidden > 0 ? <Text dimColor>{`… ${hidden} earlier ${hidden === 1 ? 'step' : 'steps'}`}</Text> : null}
      {agent.steps.slice(hidden).map((step) => (
        <AgentStep key={step.step} step={step} turn={turn} isNested maxCallRows={NESTED_CALL_ROWS} />
      ))}
    </Box>
  );
}
