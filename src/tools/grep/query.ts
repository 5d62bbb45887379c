import type { SkippedFile, UnreadablePath } from '../../workspace/find-files';

/** A search both backends run: the input with its defaults applied. */
export interface GrepQuery {
  pattern: string;
  ignoreCase: boolean;
  include: string | undefined;
  contextLines: number;
  maxResults: number;
}

/** One output line of a search: a match or a context line around one. */
export interface GrepLine {
  /** Workspace-relative, `/`-separated. */
  path: string;
  line: number;
  text: string;
  isMatch: boolean;
}

/** What a backend found, in path order; it may hold matches past `maxResults`, which the tool cuts. */
export interface GrepSearchResult {
  lines: GrepLine[];
  isTimedOut: boolean;
  /** Workspace paths not searched because they are over the size cap. */
  skippedLargeFiles: string[];
  /** FIFOs, sockets and devices the search met and did not read (the built-in search names them; rg skips them silently). */
  skippedSpecialFiles: SkippedFile[];
  /** Folders and files that could not be read (path too long, permission denied), gone ones left out. */
  unreadablePaths: UnreadablePath[];
}
