import { Box, Text } from 'ink';
import { selectTurnCalls, type TranscriptItem } from '../state/selectors';
import type { NoticeView, TurnView } from '../state/types';
import { Markdown } from './Markdown';
import { AgentStep } from './AgentStep';
import { formatDuration, formatTokens } from './format';

/** One settled transcript entry, rendered once into Ink's Static. */
export function TranscriptEntry({ item }: { item: TranscriptItem }) {
  switch (item.kind) {
    case 'prompt':
      return (
        <Box marginTop={1}>
          <Text color="cyan" bold>
            {'› '}
          </Text>
          <Text bold>{item.turn.prompt}</Text>
        </Box>
      );
    case 'step':
      return <AgentStep step={item.step} turn={item.turn} />;
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
  const detail = `${took} · ${calls} tool ${calls === 1 ? 'call' : 'calls'} · ${formatTokens(turn.usage.inputTokens + turn.usage.outputTokens)} tokens`;
  switch (turn.status) {
    case 'aborted':
      return <Text color="yellow">{`⏹ interrupted · ${detail}`}</Text>;
    case 'error':
      return <Text color="red">{`✗ ${main?.error ?? 'the turn failed'}`}</Text>;
    case 'repeated-call':
      return <Text color="yellow">{`⏸ ${main?.error ?? 'stopped: the model repeated a call'}`}</Text>;
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
            {notice.text}
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
            {notice.text}
          </Text>
        </Box>
      );
  }
}
