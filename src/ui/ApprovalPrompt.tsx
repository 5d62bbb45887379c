import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { sessionCommandPrefix } from '../agent/command-prefix';
import type { ApprovalDecision } from '../agent/nodes';
import type { CallView } from '../state/types';
import { DiffView } from './DiffView';

export interface ApprovalPromptProps {
  /** The call waiting for an answer; the prompt shows exactly its preview. */
  call: CallView;
  /** Most lines of the diff to show. */
  maxDiffLines: number;
  /** Contract: called once per prompt with the user's answer. */
  onAnswer: (decision: ApprovalDecision) => void;
  /** Esc on the prompt: deny this call and stop the turn. */
  onDenyAndStop: () => void;
}

/**
 * Asks whether one write or command may run, showing the diff or the command
 * (and whether it runs sandboxed) first. y/Enter allows once; a allows the tool
 * for the session, or for a command the prefix it names (`npm test …`; not
 * offered for commands that chain or redirect); n denies and then takes
 * feedback for the model, Esc denies and stops the turn.
 */
export function ApprovalPrompt({ call, maxDiffLines, onAnswer, onDenyAndStop }: ApprovalPromptProps) {
  const [feedback, setFeedback] = useState<string | undefined>(undefined);
  const isTypingFeedback = feedback !== undefined;
  const preview = call.preview;
  const isCommand = call.toolName === 'bash';
  const commandPrefix = isCommand && preview?.type === 'command' ? sessionCommandPrefix(preview.command) : undefined;
  const canAllowSession = !isCommand || commandPrefix !== undefined;

  useInput((input, key) => {
    if (isTypingFeedback) {
      if (key.escape) onAnswer({ type: 'deny' });
      else if (key.return) onAnswer(feedback.trim() ? { type: 'deny', feedback: feedback.trim() } : { type: 'deny' });
      else if (key.backspace || key.delete) setFeedback(feedback.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setFeedback(feedback + input);
      return;
    }
    if (key.escape) onDenyAndStop();
    else if (key.return || input === 'y' || input === 'Y') onAnswer({ type: 'allow' });
    else if ((input === 'a' || input === 'A') && canAllowSession) onAnswer(commandPrefix === undefined ? { type: 'allow-session' } : { type: 'allow-session', commandPrefix });
    else if (input === 'n' || input === 'N') setFeedback('');
  });

  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        {title(call)}
      </Text>
      {preview?.type === 'diff' ? (
        <DiffView diff={preview.diff} maxLines={maxDiffLines} />
      ) : preview?.type === 'command' ? (
        <Box flexDirection="column">
          <Text color="cyan">{`$ ${preview.command}`}</Text>
          <Text dimColor>
            {`in ${preview.cwd} · `}
            {preview.isSandboxed ? 'sandboxed: no network, writes only to the workspace and /tmp' : <Text color="yellow">not sandboxed</Text>}
          </Text>
        </Box>
      ) : (
        <Text dimColor>{JSON.stringify(call.input)}</Text>
      )}
      {isTypingFeedback ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>Tell the model why or what to do instead (Enter sends, Esc sends no feedback):</Text>
          <Text>
            <Text color="yellow">{'› '}</Text>
            {feedback}
            <Text inverse> </Text>
          </Text>
        </Box>
      ) : (
        <Text>
          <Text bold color="green">y</Text>
          <Text> allow once  </Text>
          {canAllowSession ? (
            <>
              <Text bold color="green">a</Text>
              <Text>{` allow ${commandPrefix !== undefined ? `\`${commandPrefix} …\`` : call.toolName} this session  `}</Text>
            </>
          ) : null}
          <Text bold color="red">n</Text>
          <Text> deny with feedback  </Text>
          <Text bold>Esc</Text>
          <Text> deny and stop</Text>
        </Text>
      )}
    </Box>
  );
}

function title(call: CallView): string {
  const preview = call.preview;
  if (preview?.type === 'diff') return `${preview.isNewFile ? 'Create' : 'Edit'} ${preview.path}?`;
  if (preview?.type === 'command') return 'Run this command?';
  return `Run ${call.toolName}?`;
}
