import { useCallback, useRef, useState } from 'react';

/** The text being typed, with its cursor and prompt history. */
export interface ComposerState {
  value: string;
  cursor: number;
  insert: (text: string) => void;
  deleteBack: () => void;
  moveCursor: (delta: number) => void;
  moveToLineEdge: (edge: 'start' | 'end') => void;
  clear: () => void;
  /** Steps through earlier prompts (-1 older, +1 newer), keeping the draft. */
  recall: (direction: -1 | 1) => void;
  /** Replaces the whole text (a picked file, the editor's result, a history match); the cursor goes to `cursor` or the end. */
  setValue: (value: string, cursor?: number) => void;
  /** Inserts pasted text: a long paste shows as one `[pasted N lines #k]` block that `commit` sends whole. */
  insertPaste: (text: string) => void;
  /** Puts prompts of earlier runs (oldest first) before this run's. */
  loadHistory: (entries: readonly string[]) => void;
  /** Every prompt in the history, oldest first. */
  historyEntries: () => readonly string[];
  /** The text with every collapsed paste put back whole: what is sent. */
  expanded: () => string;
  /** Records a sent prompt (long pastes expanded) in the history, empties the box and returns it. */
  commit: () => string;
}

/** A paste of more lines than this shows collapsed in the box. */
const COLLAPSE_PASTE_LINES = 10;
/** History kept in memory: the same cap as the file. */
const MAX_HISTORY = 500;
const PASTE_MARKER = /\[pasted \d+ lines #(\d+)\]/g;

/** State and editing operations of the prompt box, kept apart from key handling. */
export function useComposer(): ComposerState {
  const [{ value, cursor }, setText] = useState({ value: '', cursor: 0 });
  const history = useRef<string[]>([]);
  const position = useRef<number | undefined>(undefined);
  const draft = useRef('');
  const pastes = useRef(new Map<string, string>());

  const set = useCallback((next: string, nextCursor = next.length) => setText({ value: next, cursor: nextCursor }), []);
  const insert = useCallback(
    (text: string) => setText((current) => ({
      value: current.value.slice(0, current.cursor) + text + current.value.slice(current.cursor),
      cursor: current.cursor + text.length,
    })),
    [],
  );
  const deleteBack = useCallback(
    () => setText((current) => current.cursor === 0 ? current : {
      value: current.value.slice(0, current.cursor - 1) + current.value.slice(current.cursor),
      cursor: current.cursor - 1,
    }),
    [],
  );
  const moveCursor = useCallback(
    (delta: number) => setText((current) => ({ ...current, cursor: Math.min(current.value.length, Math.max(0, current.cursor + delta)) })),
    [],
  );
  const moveToLineEdge = useCallback(
    (edge: 'start' | 'end') => setText((current) => {
      if (edge === 'start') return { ...current, cursor: current.value.lastIndexOf('\n', current.cursor - 1) + 1 };
      const end = current.value.indexOf('\n', current.cursor);
      return { ...current, cursor: end === -1 ? current.value.length : end };
    }),
    [],
  );
  const clear = useCallback(() => {
    position.current = undefined;
    set('');
  }, [set]);
  const recall = useCallback(
    (direction: -1 | 1) => {
      const entries = history.current;
      if (entries.length === 0) return;
      if (position.current === undefined) {
        if (direction === 1) return;
        draft.current = value;
        position.current = entries.length;
      }
      const next = position.current + direction;
      if (next < 0) return;
      if (next >= entries.length) {
        position.current = undefined;
        set(draft.current);
        return;
      }
      position.current = next;
      set(entries[next]!);
    },
    [set, value],
  );
  const insertPaste = useCallback(
    (text: string) => {
      const lines = text.split('\n').length;
      if (lines <= COLLAPSE_PASTE_LINES) return insert(text);
      const id = String(pastes.current.size + 1);
      pastes.current.set(id, text);
      insert(`[pasted ${lines} lines #${id}]`);
    },
    [insert],
  );
  const loadHistory = useCallback((entries: readonly string[]) => {
    history.current = [...entries, ...history.current].slice(-MAX_HISTORY);
  }, []);
  const historyEntries = useCallback(() => history.current, []);
  // A marker the user edited no longer matches and stays as typed.
  const expanded = useCallback(() => value.replace(PASTE_MARKER, (marker, id: string) => pastes.current.get(id) ?? marker), [value]);
  const commit = useCallback(() => {
    const sent = expanded();
    if (sent.trim() && history.current.at(-1) !== sent) history.current = [...history.current, sent].slice(-MAX_HISTORY);
    position.current = undefined;
    pastes.current.clear();
    set('');
    return sent;
  }, [set, expanded]);

  return { value, cursor, insert, deleteBack, moveCursor, moveToLineEdge, clear, recall, setValue: set, insertPaste, loadHistory, historyEntries, expanded, commit };
}
