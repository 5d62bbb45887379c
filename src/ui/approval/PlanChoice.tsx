import { Box, Text, useInput } from 'ink';
import type { ApprovalMode } from '../../agent/calls/approval';

export interface PlanChoiceProps {
  /** Contract: called once, with the mode to switch to before the plan is carried out. */
  onGo: (mode: Extract<ApprovalMode, 'ask' | 'auto-edit'>) => void;
  /** Keep planning: the prompt box comes back, still in plan mode. */
  onStay: () => void;
}

/** After a turn in plan mode: carry the plan out, asking (1) or with edits allowed (2), or keep planning (Esc). */
export function PlanChoice({ onGo, onStay }: PlanChoiceProps) {
  useInput((input, key) => {
    if (input === '1') onGo('ask');
    else if (input === '2') onGo('auto-edit');
    else if (key.escape || input === '3') onStay();
  });
  return (
    <Box borderStyle="round" borderColor="cyan" flexDirection="column" paddingX={1}>
      <Text bold>The plan is ready. Carry it out?</Text>
      <Text>
        <Text color="cyan">1</Text> switch to ask and go <Text dimColor>(writes and commands ask first)</Text>
      </Text>
      <Text>
        <Text color="cyan">2</Text> switch to auto-edit and go <Text dimColor>(file edits run without asking)</Text>
      </Text>
      <Text>
        <Text color="cyan">Esc</Text> keep planning
      </Text>
    </Box>
  );
}
