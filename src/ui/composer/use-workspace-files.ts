import { useEffect, useRef, useState } from 'react';
import { findFiles } from '../../workspace/find-files';
import { createFileMatcher, type FileMatcher } from './file-matcher';

/** How long a walk of the workspace is reused between picker openings. */
const FILE_LIST_TTL_MS = 10_000;

/** The `@` picker's file list: a matcher once loaded, or why there is none. */
export type WorkspaceFiles = { status: 'loading' } | { status: 'ready'; matcher: FileMatcher; count: number } | { status: 'error'; message: string };

/**
 * Walks the workspace (gitignore respected, via `findFiles`) when `isWanted`
 * turns true, and builds the fuzzy matcher in the same task, so no key press
 * pays for either; a walk younger than 10 s is reused.
 */
export function useWorkspaceFiles({ cwd, isWanted }: { cwd: string | undefined; isWanted: boolean }): WorkspaceFiles {
  const [files, setFiles] = useState<WorkspaceFiles>({ status: 'loading' });
  const loadedAt = useRef(0);
  useEffect(() => {
    if (!isWanted || !cwd || Date.now() - loadedAt.current < FILE_LIST_TTL_MS) return;
    const abort = new AbortController();
    findFiles({ root: cwd, directory: cwd, pattern: '**', signal: abort.signal, withStats: false }).then(
      (found) => {
        loadedAt.current = Date.now();
        const paths = found.map((file) => file.path);
        setFiles({ status: 'ready', matcher: createFileMatcher(paths), count: paths.length });
      },
      (error: Error) => {
        if (!abort.signal.aborted) setFiles({ status: 'error', message: `Could not list the workspace's files: ${error.message}` });
      },
    );
    return () => abort.abort();
  }, [cwd, isWanted]);
  return files;
}
