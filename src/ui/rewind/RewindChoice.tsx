import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { oneLine } from '../../agent/text';
import { toVisibleText } from '../visible-text';
import type { ConversationPrompt } from './prompts';

/** What /rewind puts back: the files and the conversation, or one of them. */
export type RewindMode = 'both' | 'code' | 'conversation';

export interface RewindChoiceProps {
  prompt: ConversationPrompt;
  /** Why the files cannot be put back (no checkpoint before this prompt, checkpoints off); undefined when they can. */
  codeUnavailable?: string;
  /** Contract: called once, with what to rewind. */
  onChoose: (mode: RewindMode) => void;
  onCancel: () => void;
}

const MODES: readonly { mode: RewindMode; label: string }[] = [
  { mode: 'both', label: 'code and conversation' },
  { mode: 'code', label: 'code only' },
  { mode: 'conversation', label: 'conversation only' },
];

/** /rewind's second step: code and conversation (the default), code only or conversation only; 1-3, Up/Down and Enter, Esc. */
export function RewindChoice({ prompt, codeUnavailable, onChoose, onCancel }: RewindChoiceProps) {
  const choices = codeUnavailable ? MODES.filter((choice) => choice.mode === 'conversation') : MODES;
  const [selected, setSelected] = useState(0);
  useInput((input, key) => {
    if (key.escape) return onCancel();
    if (key.upArrow) return setSelected((index) => Math.max(0, index - 1));
    if (key.downArrow) return setSelected((index) => Math.min(choices.length - 1, index + 1));
    const typed = Number(input) - 1;
    if (choices[typed]) return onChoose(choices[typed].mode);
    if (key.return) onChoose(choices[selected]!.mode);
  });
  return (
    <Box borderStyle="round" borderColor="cyan" flexDirection="column" paddingX={1}>
      <Text bold wrap="truncate">{`Rewind to before prompt ${prompt.ordinal}: ${toVisibleText(oneLine(prompt.text, 60))}`}</Text>
      {choices.map((choice, index) => (
        <Text key={choice.mode} color={index === selected ? 'cyan' : undefined}>
          {`${index === selected ? '›' : ' '} ${index + 1} ${choice.label}`}
        </Text>
      ))}
      {codeUnavailable ? <Text dimColor wrap="truncate">{`The files cannot be rewound: ${codeUnavailable}`}</Text> : null}
      <Text dimColor>Enter picks · Esc cancels</Text>
    </Box>
  );
}
