import { Box, Text, useInput } from 'ink';

export interface RewindConfirmProps {
  /** What is about to happen, e.g. "Put the files back as they were before prompt 2?". */
  question: string;
  /** One line per file the restore touches (see restorePlanLines). */
  lines: readonly string[];
  /** Contract: called once; true to restore. */
  onAnswer: (isYes: boolean) => void;
}

/** Names every file a restore will change and waits for y (go) or n / Esc (leave the files alone). */
export function RewindConfirm({ question, lines, onAnswer }: RewindConfirmProps) {
  useInput((input, key) => {
    if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N' || key.escape) onAnswer(false);
  });
  return (
    <Box borderStyle="round" borderColor="yellow" flexDirection="column" paddingX={1}>
      <Text bold>{question}</Text>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate">
          {line}
        </Text>
      ))}
      <Text>
        <Text color="cyan">y</Text> go ahead · <Text color="cyan">n</Text> leave the files as they are
      </Text>
    </Box>
  );
}
