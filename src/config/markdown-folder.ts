import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { readOwnFile, readRegularFileSync, type OwnFileRead } from '../workspace/own-file';
import { resolveInWorkspace } from '../workspace/paths';

/** One `NAME.md` read from a folder of Markdown files (slash commands, agents). */
export interface MarkdownFile {
  /** The file's name without `.md`. */
  name: string;
  text: string;
  bytes: Buffer;
  source: 'user' | 'project';
}

/** The files a folder holds, and one line for each file it ignored. */
export interface MarkdownFolderRead {
  files: MarkdownFile[];
  notes: string[];
}

/** What a folder of one kind of Markdown file allows: which names, how many files, how large. */
export interface MarkdownFolderRules {
  /** A file's name without `.md`; others are ignored with a note. */
  namePattern: RegExp;
  /** The rule in words, for that note: "a command's name is lowercase letters, digits, - and _". */
  nameRule: string;
  maxFiles: number;
  maxBytes: number;
  /** The plural for notes: "commands", "agents". */
  plural: string;
}

/**
 * Reads the project's `folder` (relative to the workspace root) through the
 * workspace's confinement (no symlink out, regular files only, capped). The
 * bytes read here are what trust is given to and what runs: they are never
 * read twice. Contract: never rejects.
 */
export async function readProjectMarkdownFolder(cwd: string, folder: string, rules: MarkdownFolderRules): Promise<MarkdownFolderRead> {
  let absolute: string;
  try {
    absolute = await resolveInWorkspace(cwd, folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], notes: [] };
    return { files: [], notes: [`ignoring ${folder}: it points outside the workspace`] };
  }
  return readMarkdownFolder({
    folder: absolute,
    display: folder,
    source: 'project',
    rules,
    read: (file) => readOwnFile(cwd, path.join(folder, file), { maxBytes: rules.maxBytes }),
  });
}

/**
 * Reads one of the user's own folders (in shoal's config folder): the user's
 * files, so a symlink may point anywhere, but the same caps apply.
 * Contract: never rejects.
 */
export async function readUserMarkdownFolder(folder: string, display: string, rules: MarkdownFolderRules): Promise<MarkdownFolderRead> {
  return readMarkdownFolder({
    folder,
    display,
    source: 'user',
    rules,
    // Followed first: a file kept in a dotfiles checkout and linked here is still the user's own.
    read: async (file) => {
      const target = await realpath(path.join(folder, file)).catch(() => undefined);
      return target === undefined ? { status: 'refused', reason: 'it is a symlink to nothing' } : readRegularFileSync(target, { maxBytes: rules.maxBytes });
    },
  });
}

/**
 * The bytes a project's files of `folder` add to its trust subject: each name
 * and length before its bytes, so no two folders hash alike. Empty for none,
 * so a folder without such files keeps the hash it was trusted with.
 */
export function markdownTrustBytes(folder: string, files: readonly MarkdownFile[]): Buffer {
  return Buffer.concat(files.flatMap((file) => [Buffer.from(`\0${folder}/${file.name}.md\0${file.bytes.length}\0`), file.bytes]));
}

async function readMarkdownFolder(options: {
  folder: string;
  display: string;
  source: MarkdownFile['source'];
  rules: MarkdownFolderRules;
  read: (file: string) => Promise<OwnFileRead>;
}): Promise<MarkdownFolderRead> {
  const { display, rules } = options;
  let entries: string[];
  try {
    entries = (await readdir(options.folder)).filter((entry) => entry.endsWith('.md')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { files: [], notes: [] };
    return { files: [], notes: [`ignoring ${display}: it cannot be listed (${code ?? 'unknown error'})`] };
  }
  const notes: string[] = [];
  const badNames = entries.filter((entry) => !rules.namePattern.test(entry.slice(0, -3)));
  if (badNames.length > 0) {
    // JSON.stringify: a file name is the repository's to choose, escape sequences included.
    notes.push(`ignoring ${badNames.map((entry) => JSON.stringify(entry)).join(', ')} in ${display}: ${rules.nameRule}`);
  }
  const named = entries.filter((entry) => !badNames.includes(entry));
  if (named.length > rules.maxFiles) notes.push(`ignoring ${named.length - rules.maxFiles} ${rules.plural} in ${display} past the first ${rules.maxFiles}`);
  const reads = await Promise.all(named.slice(0, rules.maxFiles).map(async (entry) => ({ entry, read: await options.read(entry) })));
  const files: MarkdownFile[] = [];
  for (const { entry, read } of reads) {
    if (read.status === 'missing') continue;
    if (read.status === 'refused') notes.push(`ignoring ${display}/${entry}: ${read.reason}`);
    else if (read.isCut) notes.push(`ignoring ${display}/${entry}: larger than ${rules.maxBytes / 1024} KiB`);
    else files.push({ name: entry.slice(0, -3), text: read.text, bytes: read.bytes, source: options.source });
  }
  return { files, notes };
}
