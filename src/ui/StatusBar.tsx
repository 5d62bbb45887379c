import { Box, Text } from 'ink';
import type { ApprovalMode } from '../agent/calls/approval';
import { now } from '../agent/text';
import type { Usage } from '../agent/nodes';
import type { Activity } from '../state/selectors';
import { formatWindowSize } from '../models/context-window';
import { cacheShare, formatTokens } from './format';
import { Spinner } from './transcript/Spinner';
import { useClockSecond } from './transcript/SpinnerClock';

export interface StatusBarProps {
  modelId: string;
  workspace: string;
  approvalMode: ApprovalMode;
  usage: Usage;
  /** How full the context window is, once a request has been made. */
  context?: { tokens: number; window: number };
  /** The latest request's cached input, when its server counted it. */
  lastCache?: { inputTokens: number; cachedInputTokens: number };
  activity: Activity;
}

const MODE_COLOR: Record<ApprovalMode, string> = { ask: 'green', 'auto-edit': 'yellow', plan: 'cyan', yolo: 'red' };

/** One line: what is happening now, then model, workspace, approval mode and tokens used. */
export function StatusBar({ modelId, workspace, approvalMode, usage, context, lastCache, activity }: StatusBarProps) {
  const share = context ? Math.min(999, Math.round((100 * context.tokens) / context.window)) : undefined;
  return (
    <Box>
      <Box flexShrink={0} marginRight={2}>
        <ActivityText activity={activity} />
      </Box>
      <Text wrap="truncate-middle" dimColor>
        {`${modelId} · ${workspace} · `}
        <Text color={MODE_COLOR[approvalMode]}>{approvalMode}</Text>
        {` (shift+tab) · `}
        {context ? (
          <Text color={share! >= 90 ? 'red' : share! >= 70 ? 'yellow' : undefined}>{`${share}% of ${formatWindowSize(context.window)}`}</Text>
        ) : null}
        {`${context ? ' · ' : ''}${formatTokens(usage.inputTokens + usage.outputTokens)} tokens`}
        {/* Only where the server caches at all: a local server's zero says nothing. */}
        {lastCache && (usage.cachedInputTokens ?? 0) > 0 ? ` · ${cacheShare(lastCache)}% cached` : ''}
      </Text>
    </Box>
  );
}

function ActivityText({ activity }: { activity: Activity }) {
  switch (activity.kind) {
    case 'idle':
      return <Text dimColor>ready</Text>;
    case 'thinking':
      return (
        <Text>
          <Spinner /> thinking
        </Text>
      );
    case 'running-tools': {
      const parts = [
        activity.researchers > 0 ? `${activity.researchers} research ${activity.researchers === 1 ? 'agent' : 'agents'}` : '',
        activity.count > 0 ? `${activity.count} ${activity.count === 1 ? 'tool' : 'tools'}` : '',
      ].filter(Boolean);
      return (
        <Text>
          <Spinner /> {`running ${parts.join(', ')}`} <Text dimColor>(esc to interrupt)</Text>
        </Text>
      );
    }
    case 'retrying':
      return <Retrying activity={activity} />;
    case 'awaiting-approval':
      return <Text color="yellow">{`? waiting for approval of ${activity.toolName}`}</Text>;
  }
}

/** "retrying in 4s (attempt 2 of 3)", counting down on the shared clock. */
function Retrying({ activity }: { activity: Extract<Activity, { kind: 'retrying' }> }) {
  useClockSecond();
  const seconds = Math.max(0, Math.ceil((activity.until - now()) / 1000));
  return (
    <Text color="yellow">
      <Spinner color="yellow" /> {`retrying in ${seconds}s (attempt ${activity.attempt} of ${activity.maxRetries})`}
    </Text>
  );
}
