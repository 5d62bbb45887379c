import { useState } from 'react';

/** Ctrl+R's reverse incremental search through earlier prompts. */
export interface HistorySearch {
  isActive: boolean;
  query: string;
  /** The prompt found, newest first; undefined when nothing matches. */
  match: string | undefined;
  start: () => void;
  /** Adds to (or, with `undefined`, deletes the last character of) the query; the search starts again from the newest prompt. */
  type: (text: string | undefined) => void;
  /** Ctrl+R again: the next older match, if any. */
  older: () => void;
  /** Ends the search (Enter accepts `match` into the box, Esc cancels: the caller decides). */
  stop: () => void;
}

/** A shell-style reverse search over `entries` (oldest first), case-insensitive. */
export function useHistorySearch(entries: () => readonly string[]): HistorySearch {
  const [search, setSearch] = useState<{ query: string; skip: number } | undefined>(undefined);
  const matchesOf = (query: string) => {
    const needle = query.toLowerCase();
    const all = entries();
    const found: string[] = [];
    const seen = new Set<string>();
    // Newest first, each text once: a prompt sent ten times is one match.
    for (let index = all.length - 1; index >= 0; index--) {
      const entry = all[index]!;
      if (seen.has(entry) || !entry.toLowerCase().includes(needle)) continue;
      seen.add(entry);
      found.push(entry);
    }
    return found;
  };
  const matches = search ? matchesOf(search.query) : [];
  return {
    isActive: search !== undefined,
    query: search?.query ?? '',
    match: search ? matches[Math.min(search.skip, matches.length - 1)] : undefined,
    start: () => setSearch({ query: '', skip: 0 }),
    type: (text) => setSearch((current) => current && { query: text === undefined ? current.query.slice(0, -1) : current.query + text, skip: 0 }),
    older: () => setSearch((current) => current && { ...current, skip: Math.min(current.skip + 1, Math.max(0, matches.length - 1)) }),
    stop: () => setSearch(undefined),
  };
}
