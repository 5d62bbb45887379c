import { Box, Text } from 'ink';
import type { StepView } from '../../state/types';
import { PLAN_MARKS, progressOf } from '../../tools/update-plan';
import { toVisibleText } from '../visible-text';

export interface PlanPanelProps {
  plan: NonNullable<StepView['plan']>;
}

/** "Plan · 1 of 3 done": the model's plan as `update_plan` left it, each step with its state. */
export function PlanPanel({ plan }: PlanPanelProps) {
  return (
    <Box marginTop={1} flexDirection="column">
      <Text>
        <Text color="blue" bold>
          Plan
        </Text>
        <Text dimColor>{` · ${progressOf(plan.steps)}`}</Text>
      </Text>
      {plan.explanation ? <Text dimColor>{`  ${toVisibleText(plan.explanation)}`}</Text> : null}
      {plan.steps.map((item, index) => (
        <Text key={index} wrap="truncate-end" bold={item.status === 'in_progress'} dimColor={item.status === 'completed'} strikethrough={item.status === 'completed'}>
          <Text color={item.status === 'in_progress' ? 'cyan' : item.status === 'completed' ? 'green' : undefined}>{`  ${PLAN_MARKS[item.status]} `}</Text>
          {toVisibleText(item.step)}
        </Text>
      ))}
    </Box>
  );
}
