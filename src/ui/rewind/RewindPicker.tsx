import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { oneLine } from '../../agent/text';
import { toVisibleText } from '../visible-text';
import type { ConversationPrompt } from './prompts';

export interface RewindPickerProps {
  /** The conversation's prompts, oldest first; shown newest first. */
  prompts: readonly ConversationPrompt[];
  /** Contract: called once, with the prompt to go back to before. */
  onPick: (prompt: ConversationPrompt) => void;
  onCancel: () => void;
  width?: number;
}

/** Rows of prompts shown at once: the live area stays short (see tui-lessons). */
const VISIBLE_ROWS = 8;

/** /rewind's first step: which prompt to go back to before (Up/Down, Enter, Esc). */
export function RewindPicker({ prompts, onPick, onCancel, width = 80 }: RewindPickerProps) {
  const newestFirst = [...prompts].reverse();
  const [selected, setSelected] = useState(0);
  useInput((_input, key) => {
    if (key.escape) return onCancel();
    if (key.upArrow) return setSelected((index) => Math.max(0, index - 1));
    if (key.downArrow) return setSelected((index) => Math.min(newestFirst.length - 1, index + 1));
    if (key.return && newestFirst[selected]) onPick(newestFirst[selected]);
  });
  const start = Math.max(0, Math.min(selected - VISIBLE_ROWS + 1, newestFirst.length - VISIBLE_ROWS));
  const shown = newestFirst.slice(start, start + VISIBLE_ROWS);
  return (
    <Box borderStyle="round" borderColor="cyan" flexDirection="column" paddingX={1}>
      <Text bold>Rewind to before which prompt?</Text>
      {shown.map((prompt, index) => {
        const isSelected = start + index === selected;
        return (
          <Text key={prompt.messageIndex} color={isSelected ? 'cyan' : undefined} wrap="truncate">
            {`${isSelected ? '›' : ' '} ${String(prompt.ordinal).padStart(3)}  ${toVisibleText(oneLine(prompt.text, Math.max(10, width - 14)))}`}
          </Text>
        );
      })}
      {newestFirst.length > shown.length ? <Text dimColor>{`  ${newestFirst.length} prompts in all`}</Text> : null}
      <Text dimColor>Up/Down choose · Enter picks · Esc cancels</Text>
    </Box>
  );
}
