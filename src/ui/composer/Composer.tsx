import { Box, Text, useInput, usePaste, useStdin } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { PromptHistoryStore } from '../../session/prompt-history';
import { editInEditor, type EditorResult } from './edit-in-editor';
import { FilePicker } from './FilePicker';
import { useComposer } from './use-composer';
import { useHistorySearch } from './use-history-search';
import { useMentionPicker } from './use-mention-picker';
import { toVisibleText } from '../visible-text';

export interface ComposerProps {
  /** Contract: receives the trimmed prompt; returns false to keep it in the box (e.g. while a turn runs). */
  onSubmit: (text: string) => boolean;
  onExit: () => void;
  /** False while an approval prompt owns the keyboard. */
  isActive: boolean;
  placeholder?: string;
  /** Up on an empty box: takes the newest queued message back to edit it; undefined walks earlier prompts instead. */
  onRecallQueued?: () => string | undefined;
  /** The workspace root, for the `@` file picker; without it `@` is plain text. */
  cwd?: string;
  /** Where prompts are kept across runs; loaded after the first frame. */
  history?: PromptHistoryStore;
  /** Contract: opens `text` in the user's editor and returns the result; defaults to `$VISUAL`/`$EDITOR` in this terminal. */
  editPrompt?: (text: string) => EditorResult;
  /** Columns available, for the picker's rows. */
  width?: number;
  /** Esc that neither the picker nor Ctrl+R's search took (they close on it): the App's to interrupt a turn with; `isEmpty` when the box is. */
  onEscape?: (isEmpty: boolean) => void;
  /** Text that replaces the box's (a rewound prompt); a new `id` puts it in again. */
  replaceText?: { text: string; id: number };
}

const EXIT_WINDOW_MS = 2000;

/**
 * The prompt box. Enter sends; Ctrl+J or a trailing backslash inserts a
 * newline; Up/Down walk earlier prompts, Ctrl+R searches them; `@` opens the
 * file picker; a leading `!` runs a shell command; Ctrl+G edits in $EDITOR;
 * pasted text keeps its newlines. Ctrl+C clears the box, and a second Ctrl+C
 * within two seconds exits, as does Ctrl+D on an empty box.
 */
export function Composer({ onSubmit, onExit, isActive, placeholder, onRecallQueued, cwd, history, editPrompt, width = 80, onEscape, replaceText }: ComposerProps) {
  const composer = useComposer();
  const lastCtrlC = useRef(0);
  const [hint, setHint] = useState<string | undefined>(undefined);
  const picker = useMentionPicker({ cwd, value: composer.value, cursor: composer.cursor });
  const search = useHistorySearch(composer.historyEntries);
  const { setRawMode } = useStdin();

  // After the first frame: a slow disk must not hold up the prompt box.
  useEffect(() => {
    void history?.load().then(composer.loadHistory);
  }, [history]);

  useEffect(() => {
    if (replaceText) composer.setValue(replaceText.text);
  }, [replaceText?.id]);

  const openEditor = () => {
    const result = editPrompt ? editPrompt(composer.value) : editInEditor({ text: composer.value, env: process.env, setRawMode });
    if (!editPrompt) setRawMode(true);
    if (result.type === 'edited') composer.setValue(result.text);
    else setHint(result.message);
  };

  usePaste((text) => composer.insertPaste(text.replace(/\r\n?/g, '\n')), { isActive });
  useInput(
    (input, key) => {
      if (search.isActive) {
        if (key.return || key.escape) {
          if (key.return && search.match !== undefined) composer.setValue(search.match);
          return search.stop();
        }
        if (key.ctrl && input === 'r') return search.older();
        if (key.backspace || key.delete) return search.type(undefined);
        if (!key.ctrl && !key.meta && input && !key.tab) return search.type(input);
        return;
      }
      // Closing the picker is all Esc does then, even while its files load: it must not also stop the turn.
      if (picker.isOpen && key.escape) return picker.dismiss();
      if (key.escape) return onEscape?.(composer.value === '');
      if (picker.isOpen && picker.files.status === 'ready') {
        if (key.upArrow) return picker.move(-1);
        if (key.downArrow) return picker.move(1);
        const picked = key.tab || key.return ? picker.pick() : undefined;
        if (picked) return composer.setValue(picked.value, picked.cursor);
      }
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
      if (key.ctrl && input === 'r') return search.start();
      if (key.ctrl && input === 'g') return openEditor();
      if (key.return) {
        if (composer.value.endsWith('\\') && composer.cursor === composer.value.length) {
          composer.deleteBack();
          composer.insert('\n');
          return;
        }
        const text = composer.expanded().trim();
        if (!text || !onSubmit(text)) return;
        const sent = composer.commit();
        void history?.append(sent);
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
      // Without bracketed paste a pasted block arrives as one chunk: its line breaks are text, not Enter.
      composer.insert(input.replace(/\r\n?/g, '\n'));
    },
    { isActive },
  );

  const isShell = composer.value.startsWith('!');
  return (
    <Box flexDirection="column">
      <Box borderStyle="round" borderColor={!isActive ? 'gray' : isShell ? 'yellow' : 'cyan'} paddingX={1}>
        <Text color={isShell ? 'yellow' : 'cyan'}>{isShell ? '$ ' : '› '}</Text>
        <Box flexDirection="column" flexGrow={1}>
          {search.isActive ? (
            <Text>
              <Text dimColor>{`search: ${toVisibleText(search.query)}`}</Text>
              <Text inverse> </Text>
              <Text>{`  ${search.match === undefined ? '(no match)' : toVisibleText(search.match.split('\n')[0]!.slice(0, 200))}`}</Text>
            </Text>
          ) : (
            <ComposerText value={composer.value} cursor={composer.cursor} showCursor={isActive} placeholder={placeholder} />
          )}
        </Box>
      </Box>
      {search.isActive ? <Text dimColor>{'  Ctrl+R older match · Enter puts it in the box · Esc cancels'}</Text> : null}
      {isShell && !search.isActive ? <Text color="yellow">{'  shell mode: runs in the workspace (sandboxed); the output goes to the model with your next prompt'}</Text> : null}
      {picker.isOpen && isActive && !search.isActive ? <FilePicker files={picker.files} matches={picker.matches} selected={picker.selected} width={width} /> : null}
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
