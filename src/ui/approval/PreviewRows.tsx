import { Box, Text } from 'ink';
import type { PreviewRow, RowTone } from './preview-rows';

/** What `PreviewRows` draws. */
export interface PreviewRowsProps {
  /** Rows already made visible and wrapped (see `preview-rows.ts`); all are drawn. */
  rows: readonly PreviewRow[];
}

const TONE_STYLE: Record<RowTone, { color?: string; dimColor?: boolean; bold?: boolean }> = {
  added: { color: 'green' },
  removed: { color: 'red' },
  hunk: { color: 'cyan' },
  header: { bold: true, dimColor: true },
  note: { dimColor: true },
  command: { color: 'cyan' },
  dim: { dimColor: true },
  plain: {},
  file: { bold: true, color: 'yellow' },
  protected: { bold: true, color: 'red' },
};

/** Rows of an approval preview (diff, command or raw input), coloured by tone, escapes of hidden characters in inverse video. */
export function PreviewRows({ rows }: PreviewRowsProps) {
  return (
    <Box flexDirection="column">
      {rows.map((row, index) => (
        // Rows are pre-wrapped to the width; "wrap" still keeps a misjudged wide character from being cut.
        <Text key={index} wrap="wrap" {...TONE_STYLE[row.tone]}>
          {row.parts.map((part, partIndex) =>
            // A hidden character's escape in inverse video: typed text (a literal \e) can never look like it.
            part.isEscape ? (
              <Text key={partIndex} inverse>
                {part.text}
              </Text>
            ) : (
              part.text
            ),
          )}
        </Text>
      ))}
    </Box>
  );
}
