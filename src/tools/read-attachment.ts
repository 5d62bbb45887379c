import { isBinary, BINARY_SNIFF_BYTES } from '../workspace/binary';
import { openRegularFile, readHead } from '../workspace/regular-file';
import { decodeText } from '../workspace/text-encoding';
import { resolveToolPath } from '../workspace/tool-path';
import { formatBytes, utf8Prefix } from './output-cap';

/** How much of one attached file the model gets. */
export const MAX_ATTACHMENT_BYTES = 64 * 1024;

/** A workspace file the user attached to a prompt with `@path`. */
export interface Attachment {
  /** Workspace-relative, as the user named it. */
  path: string;
  /** The text, cut at `MAX_ATTACHMENT_BYTES` with a note saying so. */
  text: string;
  /** The file's full size in bytes. */
  size: number;
  isCut: boolean;
}

/**
 * Reads `requested` for an `@` mention under read_file's rules: confined to
 * the workspace, regular files only, text only, at most `maxBytes`. Resolves
 * undefined when there is no such file (the mention stays plain text);
 * throws a one-line reason for a file that exists but cannot be attached.
 */
export async function readAttachment(options: { cwd: string; requested: string; maxBytes?: number }): Promise<Attachment | undefined> {
  const maxBytes = options.maxBytes ?? MAX_ATTACHMENT_BYTES;
  const file = await resolveToolPath(options.cwd, options.requested).catch(() => undefined);
  if (!file) return undefined;
  const opened = await openRegularFile(file.absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw new Error(`${file.shownPath} cannot be attached (${error.code ?? error.message}).`);
  });
  if (!opened) return undefined;
  // A directory or FIFO named with @ is more likely prose than a mention: leave it as text.
  if (!opened.isRegular) return undefined;
  const { handle, stats } = opened;
  try {
    const bytes = await readHead(handle, Math.min(stats.size, maxBytes + 4));
    if (isBinary(bytes.subarray(0, BINARY_SNIFF_BYTES))) throw new Error(`${file.shownPath} is a binary file (${formatBytes(stats.size)}); only text files can be attached.`);
    const isCut = stats.size > maxBytes;
    const { text } = decodeText(isCut ? utf8Prefix(bytes, maxBytes) : bytes);
    const note = isCut ? `\n[cut at ${formatBytes(maxBytes)} of ${formatBytes(stats.size)}; read_file reads the rest]` : '';
    return { path: file.shownPath, text: text + note, size: stats.size, isCut };
  } finally {
    await handle.close();
  }
}
