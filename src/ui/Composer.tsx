import { Box, Text, useInput, usePaste } from 'ink';
import { useRef, useState } from 'react';
import { useComposer } from './use-composer';

export interface ComposerProps {
  /** Contract: receives the trimmed prompt; returns false to keep it in the box (e.g. while a turn runs). */
  onSubmit: (text: string) => boolean;
  onExit: () => void;
  /** False while an approval prompt owns the keyboard. */
  isActive: boolean;
  placeholder?: string;
  /** Up on an empty box: takes the newest queued message back to edit it; undefined walks earlier prompts instead. */
  onRecallQueued?: () => string | undefined;
}

const EXIT_WINDOW_MS = 2000;

/**
 * The prompt box. Enter sends; Ctrl+J or a trailing backslash inserts a
 * newline; Up/Down walk earlier prompts; pasted text keeps its newlines.
 * Ctrl+C clears the box, and a second Ctrl+C within two seconds exits, as
 * does Ctrl+D on an empty box.
 */
export function Composer({ onSubmit, onExit, isActive, placeholder, onRecallQueued }: ComposerProps) {
  const composer = useComposer();
  const lastCtrlC = useRef(0);
  const [hint, setHint] = useState<string | undefined>(undefined);

  usePaste((text) => composer.insert(text.replace(/\r\n?/g, '\n')), { isActive });
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        const now = Date.now();
        if (composer.value === '' && now - lastCtrlC.current < EXIT_WINDOW_MS) return onExit();
        lastCtrlC.current = now;
        composer.clear();
        setHint('Press Ctrl+C again to exit');
        return;
      }
      setHint(undefined);
      if (key.ctrl && input === 'd') {
        if (composer.value === '') onExit();
        return;
      }
      if (key.return) {
        if (composer.value.endsWith('\\') && composer.cursor === composer.value.length) {
          composer.deleteBack();
          composer.insert('\n');
          return;
        }
        const text = composer.value.trim();
        if (text && onSubmit(text)) composer.commit();
        return;
      }
      if (input === '\n' || (key.ctrl && input === 'j')) return composer.insert('\n');
      if (key.backspace || key.delete) return composer.deleteBack();
      if (key.leftArrow) return composer.moveCursor(-1);
      if (key.rightArrow) return composer.moveCursor(1);
      if (key.upArrow) {
        const queued = composer.value === '' ? onRecallQueued?.() : undefined;
        return queued === undefined ? composer.recall(-1) : composer.insert(queued);
      }
      if (key.downArrow) return composer.recall(1);
      if (key.home || (key.ctrl && input === 'a')) return composer.moveToLineEdge('start');
      if (key.end || (key.ctrl && input === 'e')) return composer.moveToLineEdge('end');
      if (key.ctrl && input === 'u') return composer.clear();
      if (key.escape || key.tab || key.ctrl || key.meta || !input) return;
      composer.insert(input.replace(/\r\n?/g, '\n'));
    },
    { isActive },
  );

  return (
    <Box flexDirection="column">
      <Box borderStyle="round" borderColor={isActive ? 'cyan' : 'gray'} paddingX={1}>
        <Text color="cyan">{'› '}</Text>
        <Box flexDirection="column" flexGrow={1}>
          <ComposerText value={composer.value} cursor={composer.cursor} showCursor={isActive} placeholder={placeholder} />
        </Box>
      </Box>
      {hint ? <Text dimColor>{hint}</Text> : null}
    </Box>
  );
}

function ComposerText({ value, cursor, showCursor, placeholder }: { value: string; cursor: number; showCursor: boolean; placeholder?: string }) {
  if (value === '') {
    return (
      <Text>
        {showCursor ? <Text inverse> </Text> : null}
        <Text dimColor>{placeholder ?? ''}</Text>
      </Text>
    );
  }
  const before = value.slice(0, cursor);
  const at = value[cursor];
  const after = value.slice(cursor + 1);
  return (
    <Text>
      {before}
      {showCursor ? <Text inverse>{at === undefined || at === '\n' ? ' ' : at}</Text> : (at ?? '')}
      {at === '\n' ? '\n' : ''}
      {after}
    </Text>
  );
}
