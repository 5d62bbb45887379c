import path from 'node:path';
import { markdownTrustBytes, readProjectMarkdownFolder, readUserMarkdownFolder, type MarkdownFile, type MarkdownFolderRead, type MarkdownFolderRules } from './markdown-folder';

/** A custom command's name: what follows the `/`, and its file's name without `.md`. */
export const COMMAND_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Most bytes of one command file: a prompt, not a document. */
export const COMMAND_MAX_BYTES = 64 * 1024;
/** Most command files read from one folder: past that the folder is not a list of commands. */
export const MAX_COMMANDS = 200;
/** The project's commands folder, relative to the workspace root. */
export const PROJECT_COMMANDS_DIR = path.join('.shoal', 'commands');

/** One `NAME.md` read from a commands folder. */
export type CommandFile = MarkdownFile;

/** The commands a folder holds, and one line for each file it ignored. */
export type CommandFolderRead = MarkdownFolderRead;

const COMMAND_RULES: MarkdownFolderRules = {
  namePattern: COMMAND_NAME,
  nameRule: "a command's name is lowercase letters, digits, - and _",
  maxFiles: MAX_COMMANDS,
  maxBytes: COMMAND_MAX_BYTES,
  plural: 'commands',
};

/**
 * Reads the project's `.shoal/commands/*.md` through the workspace's
 * confinement (no symlink out, regular files only, capped). The bytes read
 * here are what trust is given to and what runs: they are never read twice.
 * Contract: never rejects.
 */
export async function readProjectCommands(cwd: string): Promise<CommandFolderRead> {
  return readProjectMarkdownFolder(cwd, PROJECT_COMMANDS_DIR, COMMAND_RULES);
}

/**
 * Reads the user's own `commands/*.md` (in shoal's config folder): the user's
 * files, so a symlink may point anywhere, but the same caps apply.
 * Contract: never rejects.
 */
export async function readUserCommands(folder: string, display: string): Promise<CommandFolderRead> {
  return readUserMarkdownFolder(folder, display, COMMAND_RULES);
}

/**
 * The bytes a project's commands add to its trust subject: each name and
 * length before its bytes, so no two folders hash alike. Empty for none, so
 * a folder without commands keeps the hash it was trusted with.
 */
export function commandsTrustBytes(files: readonly CommandFile[]): Buffer {
  return markdownTrustBytes(PROJECT_COMMANDS_DIR, files);
}
