import path from 'node:path';
import { useCallback, useRef, useState } from 'react';
import { oneLine } from '../../agent/text';
import type { Checkpoint } from '../../checkpoints';
import type { WriteJournal } from '../../tools';
import { undoText } from '../commands/commands';
import type { AgentSession } from '../react-hooks/use-agent-session';
import { checkpointBefore, isTurnCheckpoint, type ConversationPrompt } from './prompts';
import type { RewindMode } from './RewindChoice';
import { changedCount, restorePlanLines, restoreText } from './rewind-text';
import type { TurnCheckpoints } from './use-checkpoints';

/** Where /rewind (or /undo) stands: picking a prompt, choosing what to rewind, confirming a restore. */
export type RewindFlow =
  | { stage: 'pick'; prompts: ConversationPrompt[] }
  | { stage: 'choose'; prompt: ConversationPrompt; checkpoint?: Checkpoint; codeUnavailable?: string }
  | { stage: 'confirm'; question: string; lines: string[]; onAnswer: (isYes: boolean) => void };

/** /rewind and /undo as the App drives them: `flow` says which panel owns the keys. */
export interface Rewind {
  flow: RewindFlow | undefined;
  /** /rewind (the picker) or /rewind N (prompt N at once). */
  open: (ordinal?: number) => void;
  pick: (prompt: ConversationPrompt) => void;
  choose: (mode: RewindMode) => void;
  cancel: () => void;
  /** /undo: the files back as they were before the last turn, or the write journal's last batch without checkpoints. */
  undo: () => void;
}

/**
 * Rewinds the files (from the checkpoint taken before a prompt, after naming
 * every file that will change and a y), the conversation (cut to before the
 * prompt, saved so --continue resumes it, the prompt handed back to the box),
 * or both.
 */
export function useRewind(options: {
  session: AgentSession;
  checkpoints: TurnCheckpoints;
  journal?: WriteJournal;
  /** Contract: puts the rewound prompt's text in the prompt box. */
  onPromptBack: (text: string) => void;
}): Rewind {
  const [flow, setFlow] = useState<RewindFlow | undefined>(undefined);
  const latest = useRef(options);
  latest.current = options;
  const notify = (text: string, tone?: 'info' | 'error') => latest.current.session.notify(text, tone);

  const loadCheckpoints = async (): Promise<{ checkpoints: Checkpoint[]; unavailable?: string }> => {
    const store = latest.current.checkpoints.store();
    if (!store) return { checkpoints: [], unavailable: 'this run keeps no checkpoints' };
    const availability = await store.availability();
    if (!availability.isAvailable) return { checkpoints: [], unavailable: `checkpoints are off (${availability.reason})` };
    const listed = await store.list();
    return listed.ok ? { checkpoints: listed.checkpoints } : { checkpoints: [], unavailable: listed.error };
  };

  /** Files shoal's own edits wrote (workspace-relative): any other file a restore touches is marked. */
  const shoalWrote = () =>
    new Set((latest.current.journal?.firstKnown() ?? []).map(({ target }) => path.relative(target.root, target.absolute).split(path.sep).join('/')));

  /** Compares, asks, restores; `after` runs once the files are back (or nothing needed putting back). */
  const restoreWithConfirmation = async (checkpoint: Checkpoint, what: string, after: (text: string | undefined) => void) => {
    const store = latest.current.checkpoints.store();
    const changed = await store!.changedSince(checkpoint);
    if (!changed.ok) {
      setFlow(undefined);
      return notify(`Could not compare the files with the checkpoint: ${changed.error}`, 'error');
    }
    const count = changedCount(changed.changes);
    if (count === 0) {
      setFlow(undefined);
      notify(`No file changed since ${what}: the files stay as they are.`);
      return after(undefined);
    }
    setFlow({
      stage: 'confirm',
      question: `Put ${count} ${count === 1 ? 'file' : 'files'} back as ${count === 1 ? 'it was' : 'they were'} ${what}?`,
      lines: restorePlanLines(changed.changes, shoalWrote()),
      onAnswer: (isYes) => {
        setFlow(undefined);
        if (!isYes) return notify('Nothing rewound: the files and the conversation are as they were.');
        void store!.restore(checkpoint).then((restored) => {
          if (!restored.ok) return notify(`Could not put the files back: ${restored.error}`, 'error');
          const text = restoreText(restored, what);
          notify(text);
          after(text);
        });
      },
    });
  };

  const cutConversation = (prompt: ConversationPrompt) => {
    const { session, onPromptBack } = latest.current;
    if (!session.rewindConversation(prompt)) return notify('A turn is running: wait for it, or press Esc, then /rewind.');
    notify(`── Rewound the conversation to before prompt ${prompt.ordinal}: the model no longer sees it or anything after it. The prompt is back in the box to edit. ──`);
    onPromptBack(prompt.text);
  };

  const pick = useCallback((prompt: ConversationPrompt) => {
    setFlow(undefined);
    void loadCheckpoints().then(({ checkpoints, unavailable }) => {
      const checkpoint = checkpointBefore(prompt, checkpoints);
      setFlow({ stage: 'choose', prompt, checkpoint, codeUnavailable: unavailable ?? (checkpoint ? undefined : 'no checkpoint was taken before this prompt') });
    });
  }, []);

  const open = useCallback((ordinal?: number) => {
    const { session } = latest.current;
    if (session.isRunning) return notify('A turn is running: wait for it, or press Esc, then /rewind.');
    const prompts = session.prompts();
    if (prompts.length === 0) return notify('Nothing to rewind: this conversation has no prompt yet.');
    if (ordinal === undefined) return setFlow({ stage: 'pick', prompts });
    const prompt = prompts[ordinal - 1];
    if (!prompt) return notify(`This conversation has ${prompts.length} ${prompts.length === 1 ? 'prompt' : 'prompts'}: /rewind 1${prompts.length > 1 ? ` to /rewind ${prompts.length}` : ''}.`, 'error');
    pick(prompt);
  }, []);

  const choose = useCallback(
    (mode: RewindMode) => {
      if (flow?.stage !== 'choose') return;
      const { prompt, checkpoint } = flow;
      if (mode === 'conversation' || !checkpoint) {
        setFlow(undefined);
        return cutConversation(prompt);
      }
      void restoreWithConfirmation(checkpoint, `before prompt ${prompt.ordinal}`, (text) => {
        if (mode === 'both') return cutConversation(prompt);
        if (text) latest.current.session.tellModel(`(The user rewound the files to before their prompt ${prompt.ordinal}. ${oneLine(text, 2000)} Read files again before editing them.)`);
      });
    },
    [flow],
  );

  const undo = useCallback(() => {
    const { session, journal } = latest.current;
    if (session.isRunning) return notify('A turn is running: wait for it, or press Esc, then /undo.');
    void loadCheckpoints().then(({ checkpoints, unavailable }) => {
      const last = checkpoints.findLast(isTurnCheckpoint);
      if (!unavailable && last) {
        return restoreWithConfirmation(last, 'before the last turn', (text) => {
          if (text) latest.current.session.tellModel(`(The user ran /undo: ${oneLine(text, 2000)} Read files again before editing them.)`);
        });
      }
      // Without checkpoints, shoal's own edits are all it can put back.
      if (!journal?.nextUndo()) return notify('Nothing to undo: no file was edited in this session yet.');
      void journal.undoLastBatch().then((result) => {
        if (!result) return;
        const text = undoText(result);
        notify(text);
        latest.current.session.tellModel(`(The user ran /undo. ${text.replace(/\n\s*/g, '; ')}. Read files again before editing them.)`);
      });
    });
  }, []);

  const cancel = useCallback(() => setFlow(undefined), []);
  return { flow, open, pick, choose, cancel, undo };
}
