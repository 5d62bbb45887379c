import { Box, Text } from 'ink';
import { now } from '../../agent/text';
import type { StepView } from '../../state/types';
import { formatDuration } from '../format';
import { useClockSecond } from './SpinnerClock';
import { REASONING_KEY } from '../react-hooks/use-reasoning-toggle';
import { toVisibleLines, toVisibleText } from '../visible-text';

export interface ReasoningProps {
  step: StepView;
  /** The live step: while the model still thinks, one line with the elapsed time. */
  isLive?: boolean;
  /** Show the reasoning in full (the user pressed the reasoning key). */
  isExpanded: boolean;
  /** Most lines of expanded reasoning, its latest kept, so the live region fits the screen. */
  maxLines?: number;
}

const MARK = '✻';

/**
 * A step's reasoning, dim and apart from its answer: one line while it streams
 * (the latest line, cut to the width), then a one-line note of how long the
 * model thought; in full when expanded.
 */
export function Reasoning({ step, isLive = false, isExpanded, maxLines }: ReasoningProps) {
  const reasoning = step.reasoning.trim();
  if (!reasoning || !step.reasoningSpan) return null;
  // Thinking ends when the answer or a call starts; the last reasoning delta is all there is to time it by.
  const isThinking = isLive && step.text === '' && step.phases.length === 0 && step.durationMs === undefined;
  if (isExpanded) {
    const lines = toVisibleLines(reasoning);
    const shown = maxLines === undefined ? lines : lines.slice(-maxLines);
    return (
      <Box marginTop={1} flexDirection="column">
        {isThinking ? <ThinkingLabel since={step.reasoningSpan.startedAt} /> : <Text dimColor>{`${MARK} ${thoughtFor(step)}`}</Text>}
        {shown.length < lines.length ? <Text dimColor>{`  … ${lines.length - shown.length} earlier lines`}</Text> : null}
        {shown.map((line, index) => (
          <Text key={index} dimColor wrap={isLive ? 'truncate-end' : 'wrap'}>
            {`  ${line}`}
          </Text>
        ))}
      </Box>
    );
  }
  if (isThinking) {
    const latest = reasoning.split('\n').findLast((line) => line.trim() !== '') ?? '';
    return (
      <Box marginTop={1}>
        <Text dimColor wrap="truncate-end">
          <ThinkingLabel since={step.reasoningSpan.startedAt} />
          {` · ${toVisibleText(latest.trim())}`}
        </Text>
      </Box>
    );
  }
  return (
    <Box marginTop={1}>
      <Text dimColor wrap="truncate-end">{`${MARK} ${thoughtFor(step)} (${REASONING_KEY.toLowerCase()} shows reasoning)`}</Text>
    </Box>
  );
}

/** "✻ thinking 4s", its seconds on the shared clock. */
function ThinkingLabel({ since }: { since: number }) {
  useClockSecond();
  return <Text dimColor>{`${MARK} thinking ${Math.max(0, Math.floor((now() - since) / 1000))}s`}</Text>;
}

// The live step redraws on every flush while its answer streams: its reasoning's words are counted once.
let counted = { reasoning: '', words: 0 };

function wordCount(reasoning: string): number {
  if (counted.reasoning !== reasoning) counted = { reasoning, words: reasoning.trim().split(/\s+/).length };
  return counted.words;
}

/** "thought for 12.0 s · 340 words". */
function thoughtFor(step: StepView): string {
  const span = step.reasoningSpan!;
  const words = wordCount(step.reasoning);
  return `thought for ${formatDuration(span.lastAt - span.startedAt)} · ${words} ${words === 1 ? 'word' : 'words'}`;
}
