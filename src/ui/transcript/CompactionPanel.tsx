import { Box, Text } from 'ink';
import { formatWindowSize } from '../../models/context-window';
import type { CompactionView } from '../../state/types';
import { formatDuration } from '../format';
import { Spinner } from './Spinner';
import { toVisibleText } from '../visible-text';

export interface CompactionPanelProps {
  compaction: CompactionView;
  isNested?: boolean;
}

const REASON: Record<CompactionView['reason'], string> = {
  threshold: 'near the window',
  overflow: 'the server said the request is too long',
  requested: 'asked with /compact',
};

/** "Compacting context · 182k → 31k tokens": a compaction as its own panel, live while the summary is written. */
export function CompactionPanel({ compaction, isNested = false }: CompactionPanelProps) {
  const before = formatWindowSize(compaction.tokensBefore);
  const isRunning = compaction.durationMs === undefined;
  const method = compaction.method === 'summary' ? 'older messages summarised' : 'old tool outputs cleared';
  // A compaction that fell short and changed nothing says so, rather than "compacted … → the same".
  const isUnchanged = compaction.error !== undefined && (compaction.tokensAfter ?? compaction.tokensBefore) === compaction.tokensBefore;
  return (
    <Box marginTop={isNested ? 0 : 1} flexDirection="column">
      <Text>
        {isRunning ? <Spinner /> : null}
        {isRunning ? ' ' : ''}
        <Text color="magenta" bold>
          {isRunning ? 'Compacting context' : isUnchanged ? 'Context left as it was' : 'Compacted context'}
        </Text>
        <Text dimColor>
          {isRunning
            ? ` · ${before} tokens of ${formatWindowSize(compaction.window)} · ${REASON[compaction.reason]}`
            : isUnchanged
              ? ` · ${before} tokens · ${formatDuration(compaction.durationMs!)}`
              : ` · ${before} → ${formatWindowSize(compaction.tokensAfter ?? compaction.tokensBefore)} tokens · ${method} · ${formatDuration(compaction.durationMs!)}`}
        </Text>
      </Text>
      {compaction.error ? <Text color="yellow">{`  ${toVisibleText(compaction.error)}`}</Text> : null}
    </Box>
  );
}
