import { Box, Text } from 'ink';
import { oneLine } from '../../agent/text';
import { toVisibleText } from '../visible-text';

export interface QueuedMessagesProps {
  messages: readonly string[];
  /** Most characters of each message shown, so the live region stays one row per message. */
  width: number;
}

/** Messages sent while the turn runs, waiting for its next step, with the keys that edit or drop them. */
export function QueuedMessages({ messages, width }: QueuedMessagesProps) {
  if (messages.length === 0) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      {messages.map((text, index) => (
        <Text key={index} color="cyan" wrap="truncate-end">
          {`queued: ${toVisibleText(oneLine(text, Math.max(10, width - 10)))}`}
        </Text>
      ))}
      <Text dimColor>{'sent to the model at its next step · Up on an empty prompt takes the last one back to edit (Ctrl+U drops it)'}</Text>
    </Box>
  );
}
