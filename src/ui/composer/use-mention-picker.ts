import { useMemo, useState } from 'react';
import type { FileMatch } from './file-matcher';
import { mentionAt, type MentionToken } from './mentions';
import { useWorkspaceFiles, type WorkspaceFiles } from './use-workspace-files';

/** The `@` picker's state for the text being typed. */
export interface MentionPicker {
  isOpen: boolean;
  files: WorkspaceFiles;
  matches: readonly FileMatch[];
  selected: number;
  move: (delta: -1 | 1) => void;
  /** Closes the picker for the mention being typed; a new `@` opens it again. */
  dismiss: () => void;
  /** The text with the mention at the cursor replaced by `@path `, and where the cursor goes; undefined when nothing is selected. */
  pick: () => { value: string; cursor: number } | undefined;
}

/**
 * Opens while the cursor is in an `@mention` (and `cwd` is known), filters the
 * workspace's files by what follows the `@` on each key, and inserts the pick.
 */
export function useMentionPicker({ cwd, value, cursor }: { cwd: string | undefined; value: string; cursor: number }): MentionPicker {
  const token = cwd ? mentionAt(value, cursor) : undefined;
  const [dismissedAt, setDismissedAt] = useState<number | undefined>(undefined);
  const [selection, setSelection] = useState({ query: '', index: 0 });
  // The mention was deleted: a new one at the same place opens the picker again.
  if (token === undefined && dismissedAt !== undefined) setDismissedAt(undefined);
  const isOpen = token !== undefined && token.start !== dismissedAt;
  const files = useWorkspaceFiles({ cwd, isWanted: isOpen });
  const matcher = files.status === 'ready' ? files.matcher : undefined;
  const query = isOpen ? token.query : undefined;
  const matches = useMemo(() => (matcher && query !== undefined ? matcher.find(query) : []), [matcher, query]);
  // A new query starts at the best match again.
  const selected = selection.query === query ? Math.min(selection.index, Math.max(0, matches.length - 1)) : 0;
  return {
    isOpen,
    files,
    matches,
    selected,
    move: (delta) => setSelection({ query: query ?? '', index: (selected + delta + matches.length) % Math.max(1, matches.length) }),
    dismiss: () => setDismissedAt(token?.start),
    pick: () => (token && matches[selected] ? insertMention({ value, cursor, token, path: matches[selected].path }) : undefined),
  };
}

function insertMention({ value, cursor, token, path }: { value: string; cursor: number; token: MentionToken; path: string }) {
  // The rest of a word the cursor sat in belongs to the old query: replace it too.
  const rest = /^[^\s]*/.exec(value.slice(cursor))![0].length;
  const inserted = `@${path} `;
  return { value: value.slice(0, token.start) + inserted + value.slice(cursor + rest), cursor: token.start + inserted.length };
}
