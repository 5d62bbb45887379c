import { Box, Text } from 'ink';
import { now } from '../../agent/text';
import { getOwn } from '../../state/records';
import type { CallView, TurnView } from '../../state/types';
import { AgentSteps } from './AgentSteps';
import { formatDuration, STATUS_STYLE } from '../format';
import { Spinner } from './Spinner';
import { useClockSecond } from './SpinnerClock';
import { toVisibleText } from '../visible-text';

export interface ToolRowProps {
  call: CallView;
  turn: TurnView;
}

/**
 * One tool call on one line: a spinner while it runs, then its status mark,
 * what it acted on, its result summary and duration. A running
 * `research_codebase` call shows its sub-agent's own panels beneath it.
 */
export function ToolRow({ call, turn }: ToolRowProps) {
  const child = call.childAgentId ? getOwn(turn.agents, call.childAgentId) : undefined;
  const isActive = call.status === 'running' || call.status === 'queued' || call.status === 'awaiting-approval';
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={2} flexShrink={0}>
          {call.status === 'running' ? <Spinner /> : <Mark call={call} />}
        </Box>
        <Text wrap="truncate-end">
          {/* The model chose these strings: escape controls so a description cannot restyle or hide the row. */}
          <Text bold>{toVisibleText(call.toolName)}</Text>
          {call.description ? <Text> {toVisibleText(call.description)}</Text> : null}
          {call.summary ? <Text color={call.status === 'error' ? 'red' : 'gray'}>{`  ${toVisibleText(call.summary)}`}</Text> : null}
          {!isActive && call.durationMs !== undefined && call.durationMs > 0 ? <Text dimColor>{`  ${formatDuration(call.durationMs)}`}</Text> : null}
          {call.status === 'running' && call.startedAt !== undefined ? <Elapsed since={call.startedAt} /> : null}
          {call.status === 'awaiting-approval' ? <Text color="yellow">  waiting for approval</Text> : null}
        </Text>
      </Box>
      {child && call.status === 'running' ? (
        <Box paddingLeft={2}>
          <AgentSteps agent={child} turn={turn} />
        </Box>
      ) : null}
    </Box>
  );
}

function Mark({ call }: { call: CallView }) {
  if (call.status === 'queued') return <Text dimColor>·</Text>;
  if (call.status === 'awaiting-approval') return <Text color="yellow">?</Text>;
  if (call.status === 'running') return null;
  const style = STATUS_STYLE[call.status];
  return <Text color={style.color}>{style.mark}</Text>;
}

/** Seconds a call has run, shown once it passes one second; moves with the shared clock. */
function Elapsed({ since }: { since: number }) {
  useClockSecond();
  const ms = now() - since;
  return ms >= 1000 ? <Text dimColor>{`  ${formatDuration(ms)}`}</Text> : null;
}
