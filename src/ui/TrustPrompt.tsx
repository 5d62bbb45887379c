import { Box, Text, useInput } from 'ink';
import { toVisibleText } from './visible-text';
import { useRef } from 'react';

/** The user's answer: trust (apply and remember), distrust (ignore this run), quit (Ctrl+C). */
export type TrustAnswer = 'trust' | 'distrust' | 'quit';

/** What the trust prompt shows and where the answer goes. */
export interface TrustPromptProps {
  /** The project file as the user knows it, e.g. ".shoal/config.json". */
  fileLabel: string;
  /** The workspace, e.g. "~/src/app". */
  folderLabel: string;
  /** What the file would change, one line each, e.g. `set approvalMode to "yolo" (...)`. */
  changes: readonly string[];
  /** The user trusted an earlier version of this file: say why they are asked again. */
  isChanged?: boolean;
  /** Contract: called exactly once, with the first answer. */
  onAnswer: (answer: TrustAnswer) => void;
}

/**
 * Asks, before the first prompt, whether a project file may loosen what shoal
 * does. Everything shown comes from a file anyone may commit, so control
 * characters are shown escaped, never sent to the terminal raw.
 */
export function TrustPrompt({ fileLabel, folderLabel, changes, isChanged = false, onAnswer }: TrustPromptProps) {
  const isAnswered = useRef(false);
  const answer = (value: TrustAnswer) => {
    if (isAnswered.current) return;
    isAnswered.current = true;
    onAnswer(value);
  };
  useInput((input, key) => {
    if (key.ctrl && input === 'c') answer('quit');
    else if (input === 'y' || input === 'Y') answer('trust');
    else if (input === 'n' || input === 'N' || key.escape) answer('distrust');
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">{`${toVisibleText(fileLabel)} in ${toVisibleText(folderLabel)} would:`}</Text>
      {changes.map((change, index) => (
        <Text key={index}>{`  • ${toVisibleText(change)}`}</Text>
      ))}
      {isChanged ? <Text>It has changed since you trusted it.</Text> : null}
      <Text dimColor>Trust it only if you trust whoever can commit to this repository.</Text>
      <Text>
        <Text bold color="green">y</Text>
        <Text> trust this file (remembered until it changes)  </Text>
        <Text bold color="red">n</Text>
        <Text>/</Text>
        <Text bold>Esc</Text>
        <Text> don&apos;t trust: ignore these settings this run</Text>
      </Text>
    </Box>
  );
}

// C0, DEL and C1 controls: ESC starts terminal sequences, and C1's CSI (U+009B) does too on some terminals.
// A minimal private stand-in for the shared visible-text helper.
