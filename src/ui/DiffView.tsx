import { Box, Text } from 'ink';

export interface DiffViewProps {
  /** A unified diff (`---`/`+++` headers, `@@` hunks). */
  diff: string;
  /** Most lines shown; the rest are counted in a note. */
  maxLines: number;
}

/** A coloured unified diff: additions green, removals red, hunk headers cyan. */
export function DiffView({ diff, maxLines }: DiffViewProps) {
  const lines = diff.replace(/\n$/, '').split('\n').filter((line) => !line.startsWith('Index: ') && !/^={10,}$/.test(line));
  const shown = lines.slice(0, maxLines);
  return (
    <Box flexDirection="column">
      {shown.map((line, index) => (
        <Text key={index} wrap="truncate-end" {...lineStyle(line)}>
          {line === '' ? ' ' : line}
        </Text>
      ))}
      {lines.length > shown.length ? <Text dimColor>{`… ${lines.length - shown.length} more lines not shown`}</Text> : null}
    </Box>
  );
}

function lineStyle(line: string): { color?: string; dimColor?: boolean; bold?: boolean } {
  if (line.startsWith('+++') || line.startsWith('---')) return { bold: true, dimColor: true };
  if (line.startsWith('+')) return { color: 'green' };
  if (line.startsWith('-')) return { color: 'red' };
  if (line.startsWith('@@')) return { color: 'cyan' };
  if (line.startsWith('\\')) return { dimColor: true };
  return {};
}
