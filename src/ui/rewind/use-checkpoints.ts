import { useCallback, useRef } from 'react';
import { DEFAULT_MAX_FILE_BYTES, describeSkipped, type CheckpointStore } from '../../checkpoints';
import { checkpointLabel } from './prompts';

/** The checkpoints of the session being saved, as the UI uses them. */
export interface TurnCheckpoints {
  /** Starts a checkpoint before a turn's model request, never delaying it; settles (never rejects) once the files are read. */
  take: (turn: { ordinal: number; prompt: string }) => Promise<unknown> | undefined;
  /** The store of the current session, or undefined when this run keeps no checkpoints. */
  store: () => CheckpointStore | undefined;
}

/** What the UI says when checkpoints are off: /rewind and /undo fall back to shoal's own edits. */
export function checkpointsOffText(reason: string): string {
  return `Checkpoints are off (${reason}): /rewind and /undo can put back only shoal's own file edits, not what commands changed.`;
}

/**
 * One store per session id (a new one after /clear, once the next prompt names
 * the new session): `sessionId` is read at each turn. The first turn checks
 * whether git is there and says once when it is not; the first checkpoint that
 * leaves files out says which, once.
 */
export function useCheckpoints(options: {
  /** Contract: builds a store without I/O (see createCheckpointStore). */
  create: ((sessionId: string) => CheckpointStore) | undefined;
  sessionId: () => string | undefined;
  notify: (text: string) => void;
}): TurnCheckpoints {
  const latest = useRef(options);
  latest.current = options;
  const stores = useRef(new Map<string, CheckpointStore>());
  const said = useRef({ off: false, skipped: false, checked: false });
  // Without a saved session (tests, a failed save) the checkpoints still need a name for this run.
  const fallbackId = useRef(`run-${process.pid}-${Date.now()}`);

  const store = useCallback(() => {
    const { create, sessionId } = latest.current;
    if (!create) return undefined;
    const id = sessionId() ?? fallbackId.current;
    let found = stores.current.get(id);
    if (!found) stores.current.set(id, (found = create(id)));
    return found;
  }, []);

  const take = useCallback(
    (turn: { ordinal: number; prompt: string }) => {
      const current = store();
      if (!current) return undefined;
      if (!said.current.checked) {
        said.current.checked = true;
        void current.availability().then((availability) => {
          if (availability.isAvailable || said.current.off) return;
          said.current.off = true;
          latest.current.notify(checkpointsOffText(availability.reason));
        });
      }
      return current.take(checkpointLabel(turn.ordinal, turn.prompt)).then((result) => {
        if (!result.ok || said.current.skipped) return;
        const line = describeSkipped(result.checkpoint.skipped, DEFAULT_MAX_FILE_BYTES);
        if (!line) return;
        said.current.skipped = true;
        latest.current.notify(line);
      });
    },
    [store],
  );
  return { take, store };
}
