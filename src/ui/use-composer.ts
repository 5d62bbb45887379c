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
  /** Records a sent prompt in the history and empties the box. */
  commit: () => string;
}

/** State and editing operations of the prompt box, kept apart from key handling. */
export function useComposer(): ComposerState {
  const [{ value, cursor }, setText] = useState({ value: '', cursor: 0 });
  const history = useRef<string[]>([]);
  const position = useRef<number | undefined>(undefined);
  const draft = useRef('');

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
  const commit = useCallback(() => {
    const sent = value;
    if (sent.trim() && history.current.at(-1) !== sent) history.current.push(sent);
    position.current = undefined;
    set('');
    return sent;
  }, [set, value]);

  return { value, cursor, insert, deleteBack, moveCursor, moveToLineEdge, clear, recall, commit };
}
