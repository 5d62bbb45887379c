import { Box, Text } from 'ink';
import type { FileMatch } from './file-matcher';
import type { WorkspaceFiles } from './use-workspace-files';
import { toVisibleText } from '../visible-text';

/** What the `@` picker shows: the best matches, which one is selected, and whether the list is loaded. */
export interface FilePickerProps {
  files: WorkspaceFiles;
  matches: readonly FileMatch[];
  selected: number;
  width: number;
}

/** The `@` file picker under the prompt: at most eight rows, matched characters highlighted, the selected row marked. */
export function FilePicker({ files, matches, selected, width }: FilePickerProps) {
  if (files.status === 'loading') return <Text dimColor>{'  listing files…'}</Text>;
  if (files.status === 'error') return <Text color="red">{`  ${files.message}`}</Text>;
  if (matches.length === 0) return <Text dimColor>{'  no file matches · Esc closes'}</Text>;
  return (
    <Box flexDirection="column">
      {matches.map((match, index) => (
        <Box key={match.path} width={width}>
          <Text color={index === selected ? 'cyan' : undefined}>{index === selected ? '› ' : '  '}</Text>
          <Text wrap="truncate-start">
            <MatchedPath match={match} isSelected={index === selected} />
          </Text>
        </Box>
      ))}
      <Text dimColor>{`  ↑↓ choose · Tab or Enter inserts · Esc closes · ${files.count.toLocaleString('en')} files`}</Text>
    </Box>
  );
}

function MatchedPath({ match, isSelected }: { match: FileMatch; isSelected: boolean }) {
  const visible = toVisibleText(match.path);
  // A name with control characters is shown escaped; its match positions no longer line up, so no highlight.
  if (visible !== match.path) return <Text inverse={isSelected}>{visible}</Text>;
  const parts: { text: string; isMatched: boolean }[] = [];
  for (let index = 0; index < match.path.length; index++) {
    const isMatched = match.positions.has(index);
    const last = parts.at(-1);
    if (last && last.isMatched === isMatched) last.text += match.path[index];
    else parts.push({ text: match.path[index]!, isMatched });
  }
  return (
    <Text bold={isSelected}>
      {parts.map((part, index) => (
        <Text key={index} color={part.isMatched ? 'yellow' : undefined}>
          {part.text}
        </Text>
      ))}
    </Text>
  );
}
