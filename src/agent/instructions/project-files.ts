import path from 'node:path';
import { readOwnFile } from '../../workspace/own-file';

/** The names a folder's instructions go by, first wins: AGENTS.md, else CLAUDE.md, else GEMINI.md. */
export const INSTRUCTION_FILE_NAMES = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'] as const;

/** Most bytes of one instructions file the model is given. */
export const INSTRUCTIONS_MAX_BYTES = 32 * 1024;

/** One folder's instructions, read: the file's workspace-relative path and its text (ending with a note when cut). */
export interface InstructionsFile {
  path: string;
  text: string;
}

/**
 * Reads the instructions of `folder` (workspace-relative, "" for the root):
 * the first of AGENTS.md, CLAUDE.md, GEMINI.md that is there and may be read,
 * with readOwnFile's confinement (a regular file inside the workspace, never a
 * symlink out of it), capped at 32 KiB. Undefined when there is none, or the
 * one found is empty.
 * Contract: never rejects.
 */
export async function readFolderInstructions(root: string, folder: string): Promise<InstructionsFile | undefined> {
  for (const name of INSTRUCTION_FILE_NAMES) {
    const relative = folder === '' ? name : path.posix.join(folder, name);
    const read = await readOwnFile(root, relative, { maxBytes: INSTRUCTIONS_MAX_BYTES });
    // A file that may not be read (a symlink out, a FIFO) counts as absent: the next name is tried.
    if (read.status !== 'read') continue;
    if (read.text.trim() === '') return undefined;
    return { path: relative, text: read.isCut ? `${read.text}\n[${relative} cut at 32 KiB]` : read.text };
  }
  return undefined;
}
