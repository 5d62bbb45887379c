import { Box, Text } from 'ink';
import { selectTurnCalls, type TranscriptItem } from '../../state/selectors';
import type { NoticeView, TurnView } from '../../state/types';
import { Markdown } from '../markdown/Markdown';
import { toVisibleBlock } from '../visible-text';
import { AgentStep } from './AgentStep';
import { formatDuration, formatTokens } from '../format';
import { knownCost } from '../../agent/usage';
import { formatCost } from '../../models/prices';

/** One settled transcript entry, rendered once into Ink's Static; `isReasoningExpanded` as it stood then. */
export function TranscriptEntry({ item, isReasoningExpanded = false }: { item: TranscriptItem; isReasoningExpanded?: boolean }) {
  switch (item.kind) {
    case 'prompt':
      return (
        <Box marginTop={1}>
          <Text color="cyan" bold>
            {'› '}
          </Text>
          <Text bold>{toVisibleBlock(item.turn.prompt)}</Text>
        </Box>
      );
    case 'step':
      return <AgentStep step={item.step} turn={item.turn} isReasoningExpanded={isReasoningExpanded} />;
    case 'turn-end':
      return <TurnEnd turn={item.turn} />;
    case 'notice':
      return <Notice notice={item.notice} />;
  }
}

function TurnEnd({ turn }: { turn: TurnView }) {
  const main = turn.agents.main;
  const calls = selectTurnCalls(turn).length;
  const took = turn.endedAt !== undefined ? formatDuration(turn.endedAt - turn.startedAt) : '';
  const cost = knownCost(turn.usage);
  const detail = `${took} · ${calls} tool ${calls === 1 ? 'call' : 'calls'} · ${formatTokens(turn.usage.inputTokens + turn.usage.outputTokens)} tokens${cost === undefined ? '' : ` · ${formatCost(cost)}`}`;
  switch (turn.status) {
    case 'aborted':
      return <Text color="yellow">{`⏹ interrupted · ${detail}`}</Text>;
    case 'error':
      return <Text color="red">{`✗ ${toVisibleBlock(main?.error ?? 'the turn failed')}`}</Text>;
    case 'repeated-call':
      return <Text color="yellow">{`⏸ ${toVisibleBlock(main?.error ?? 'stopped: the model repeated a call')}`}</Text>;
    case 'step-limit':
      return <Text color="yellow">{`stopped at the step limit (${main?.steps.length ?? 0} model steps) · ${detail}`}</Text>;
    case 'done':
    case 'running':
      // Outputs are not on screen (only summaries): say once per turn how to see them.
      return <Text dimColor>{`done in ${detail}${calls > 0 ? ' · /show lists them' : ''}`}</Text>;
  }
}

function Notice({ notice }: { notice: NoticeView }) {
  switch (notice.tone) {
    case 'prompt':
      return (
        <Box marginTop={1}>
          <Text color="cyan" bold>
            {toVisibleBlock(notice.text)}
          </Text>
        </Box>
      );
    case 'markdown':
      return (
        <Box marginTop={1} flexDirection="column">
          <Markdown text={notice.text} />
        </Box>
      );
    default:
      return (
        <Box marginTop={1}>
          <Text color={notice.tone === 'error' ? 'red' : undefined} dimColor={notice.tone === 'info'}>
            {toVisibleBlock(notice.text)}
          </Text>
        </Box>
      );
  }
}
