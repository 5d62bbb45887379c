import { Box, Text } from 'ink';
import { getOwn } from '../../state/records';
import type { StepView, TurnView } from '../../state/types';
import { Markdown } from '../markdown/Markdown';
import { CompactionPanel } from './CompactionPanel';
import { PhasePanel } from './PhasePanel';
import { PlanPanel } from './PlanPanel';
import { Reasoning } from './Reasoning';
import { ToolRow } from './ToolRow';
import { toVisibleLines, toVisibleText } from '../visible-text';

export interface AgentStepProps {
  step: StepView;
  turn: TurnView;
  /** Sub-agents' text is shown dimmed and short; it is the main agent's to report. */
  isNested?: boolean;
  /** Cap the text to its last lines (the live step, so the live region fits the screen). */
  maxTextLines?: number;
  /** Cap each panel's rows (the live step); the rest are counted in one line. */
  maxCallRows?: number;
  /** The step still streams: its reasoning shows as one live line. */
  isLive?: boolean;
  /** Show the step's reasoning in full rather than one line. */
  isReasoningExpanded?: boolean;
}

/** One model step: its text, then its invalid calls and phase panels. */
export function AgentStep({ step, turn, isNested = false, maxTextLines, maxCallRows, isLive, isReasoningExpanded = false }: AgentStepProps) {
  const text = step.text.trim();
  return (
    <Box flexDirection="column">
      {step.compaction ? <CompactionPanel compaction={step.compaction} isNested={isNested} /> : null}
      {isNested
        ? null
        : step.notices?.map((notice, index) => (
            <Text key={`notice-${index}`} dimColor>
              {toVisibleText(notice)}
            </Text>
          ))}
      {/* Sub-agents think in private: their panels stay a few rows. */}
      {isNested ? null : (
        <Reasoning
          step={step}
          isLive={isLive}
          isExpanded={isReasoningExpanded}
          // Half the text's share: the answer may stream below it.
          maxLines={maxTextLines === undefined ? undefined : Math.max(3, Math.floor(maxTextLines / 2))}
        />
      )}
      {text ? (
        isNested ? (
          <Text dimColor wrap="truncate-end">
            {toVisibleText(text.split('\n').at(-1) ?? '')}
          </Text>
        ) : (
          <Box marginTop={1} flexDirection="column">
            <Markdown text={text} maxLines={maxTextLines} />
          </Box>
        )
      ) : null}
      {step.invalidCallIds.map((id) => {
        const call = getOwn(step.calls, id);
        return call ? <ToolRow key={call.key} call={call} turn={turn} /> : null;
      })}
      {step.phases.map((phase, index) => (
        <Box key={`${phase.phase}-${index}`} marginTop={isNested ? 0 : 1} flexDirection="column">
          <PhasePanel phase={phase} step={step} turn={turn} maxRows={maxCallRows} />
        </Box>
      ))}
      {step.plan && !isNested ? <PlanPanel plan={step.plan} /> : null}
      {step.userMessages?.map((text, index) => (
        <Box key={`message-${index}`} marginTop={1}>
          <Text color="cyan" bold>
            {'› '}
          </Text>
          <Text bold>{toVisibleLines(text).join('\n')}</Text>
          <Text dimColor>{'  (sent while the turn ran)'}</Text>
        </Box>
      ))}
    </Box>
  );
}
