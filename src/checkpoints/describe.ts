import type { SkippedFile } from './types';

/** Names shown per kind before "and N more". */
const NAMES_SHOWN = 3;

/**
 * One line naming what checkpoints leave out, for the caller to say once, e.g.
 * "Checkpoints leave out 2 files over 10 MiB (data/big.bin, model.onnx) and 1
 * nested repository (vendor/lib)."; undefined when nothing is left out.
 * Control characters in names are shown escaped, never sent to the terminal.
 */
export function describeSkipped(skipped: readonly SkippedFile[], maxFileBytes: number): string | undefined {
  const kinds: [SkippedFile['reason'], (count: number) => string][] = [
    ['too-large', (count) => `${count} ${count === 1 ? 'file' : 'files'} over ${formatBytes(maxFileBytes)}`],
    ['nested-repository', (count) => `${count} nested ${count === 1 ? 'repository' : 'repositories'}`],
    ['unreadable', (count) => `${count} unreadable ${count === 1 ? 'file' : 'files'}`],
  ];
  const parts = kinds.flatMap(([reason, noun]) => {
    const names = skipped.filter((file) => file.reason === reason).map((file) => escapeControls(file.path));
    if (names.length === 0) return [];
    const shown = names.slice(0, NAMES_SHOWN).join(', ');
    const more = names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : '';
    return [`${noun(names.length)} (${shown}${more})`];
  });
  if (parts.length === 0) return undefined;
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `Checkpoints leave out ${list}.`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/** "a\nb" -> "a\\nb", ESC -> "\\x1b": a name can say anything, but cannot move the cursor. */
function escapeControls(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
