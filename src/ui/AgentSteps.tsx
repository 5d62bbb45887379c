import { Box } from 'ink';
import type { AgentView, TurnView } from '../state/types';
import { AgentStep } from './AgentStep';

export interface AgentStepsProps {
  agent: AgentView;
  turn: TurnView;
  /** Show only steps from this index on (the live turn's earlier steps are already in the transcript). */
  fromStep?: number;
}

/** An agent's steps in order: what the model said and the panels of its tool calls. */
export function AgentSteps({ agent, turn, fromStep = 0 }: AgentStepsProps) {
  return (
    <Box flexDirection="column">
      {agent.steps.slice(fromStep).map((step) => (
        <AgentStep key={step.step} step={step} turn={turn} isNested={agent.agentId !== 'main'} />
      ))}
    </Box>
  );
}
