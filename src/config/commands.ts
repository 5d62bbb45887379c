import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { readOwnFile, readRegularFileSync, type OwnFileRead } from '../workspace/own-file';
import { resolveInWorkspace } from '../workspace/paths';

/** A custom command's name: what follows the `/`, and its file's name without `.md`. */
export const COMMAND_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Most bytes of one command file: a prompt, not a document. */
export const COMMAND_MAX_BYTES = 64 * 1024;
/** Most command files read from one folder: past that the folder is not a list of commands. */
export const MAX_COMMANDS = 200;
/** The project's commands folder, relative to the workspace root. */
export const PROJECT_COMMANDS_DIR = path.join('.shoal', 'commands');

/** One `NAME.md` read from a commands folder. */
export interface CommandFile {
  name: string;
  text: string;
  bytes: Buffer;
  source: 'user' | 'project';
}

/** The commands a folder holds, and one line for each file it ignored. */
export interface CommandFolderRead {
  files: CommandFile[];
  notes: string[];
}

/**
 * Reads the project's `.shoal/commands/*.md` through the workspace's
 * confinement (no symlink out, regular files only, capped). The bytes read
 * here are what trust is given to and what runs: they are never read twice.
 * Contract: never rejects.
 */
export async function readProjectCommands(cwd: string): Promise<CommandFolderRead> {
  let folder: string;
  try {
    folder = await resolveInWorkspace(cwd, PROJECT_COMMANDS_DIR);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], notes: [] };
    return { files: [], notes: [`ignoring ${PROJECT_COMMANDS_DIR}: it points outside the workspace`] };
  }
  return readCommandFolder({
    folder,
    display: PROJECT_COMMANDS_DIR,
    source: 'project',
    read: (file) => readOwnFile(cwd, path.join(PROJECT_COMMANDS_DIR, file), { maxBytes: COMMAND_MAX_BYTES }),
  });
}

/**
 * Reads the user's own `commands/*.md` (in shoal's config folder): the user's
 * files, so a symlink may point anywhere, but the same caps apply.
 * Contract: never rejects.
 */
export async function readUserCommands(folder: string, display: string): Promise<CommandFolderRead> {
  return readCommandFolder({
    folder,
    display,
    source: 'user',
    // Followed first: a command kept in a dotfiles checkout and linked here is still the user's own.
    read: async (file) => {
      const target = await realpath(path.join(folder, file)).catch(() => undefined);
      return target === undefined ? { status: 'refused', reason: 'it is a symlink to nothing' } : readRegularFileSync(target, { maxBytes: COMMAND_MAX_BYTES });
    },
  });
}

/**
 * The bytes a project's commands add to its trust subject: each name and
 * length before its bytes, so no two folders hash alike. Empty for none, so
 * a folder without commands keeps the hash it was trusted with.
 */
export function commandsTrustBytes(files: readonly CommandFile[]): Buffer {
  return Buffer.concat(files.flatMap((file) => [Buffer.from(`\0${PROJECT_COMMANDS_DIR}/${file.name}.md\0${file.bytes.length}\0`), file.bytes]));
}

async function readCommandFolder(options: {
  folder: string;
  display: string;
  source: CommandFile['source'];
  read: (file: string) => Promise<OwnFileRead>;
}): Promise<CommandFolderRead> {
  const { display } = options;
  let entries: string[];
  try {
    entries = (await readdir(options.folder)).filter((entry) => entry.endsWith('.md')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { files: [], notes: [] };
    return { files: [], notes: [`ignoring ${display}: it cannot be listed (${code ?? 'unknown error'})`] };
  }
  const notes: string[] = [];
  const badNames = entries.filter((entry) => !COMMAND_NAME.test(entry.slice(0, -3)));
  if (badNames.length > 0) {
    // JSON.stringify: a file name is the repository's to choose, escape sequences included.
    notes.push(`ignoring ${badNames.map((entry) => JSON.stringify(entry)).join(', ')} in ${display}: a command's name is lowercase letters, digits, - and _`);
  }
  const named = entries.filter((entry) => !badNames.includes(entry));
  if (named.length > MAX_COMMANDS) notes.push(`ignoring ${named.length - MAX_COMMANDS} commands in ${display} past the first ${MAX_COMMANDS}`);
  const reads = await Promise.all(named.slice(0, MAX_COMMANDS).map(async (entry) => ({ entry, read: await options.read(entry) })));
  const files: CommandFile[] = [];
  for (const { entry, read } of reads) {
    if (read.status === 'missing') continue;
    if (read.status === 'refused') notes.push(`ignoring ${display}/${entry}: ${read.reason}`);
    else if (read.isCut) notes.push(`ignoring ${display}/${entry}: larger than ${COMMAND_MAX_BYTES / 1024} KiB`);
    else files.push({ name: entry.slice(0, -3), text: read.text, bytes: read.bytes, source: options.source });
  }
  return { files, notes };
}
