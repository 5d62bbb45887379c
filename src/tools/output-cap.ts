/** Limits on how much text a tool sends back to the model. */
export interface OutputLimits {
  maxLines: number;
  maxBytes: number;
}

/** The lines that fit, and which limit stopped the rest (none when all fit). */
export interface CappedLines {
  lines: string[];
  cutBy: 'lines' | 'bytes' | undefined;
}

/**
 * Keeps whole lines from the start until `maxLines` or `maxBytes` (UTF-8,
 * counting a newline per line) would be passed. The caller adds the marker,
 * since only it knows how to fetch the rest.
 */
export function capLines(lines: readonly string[], limits: OutputLimits): CappedLines {
  let bytes = 0;
  for (let index = 0; index < lines.length; index++) {
    if (index === limits.maxLines) return { lines: lines.slice(0, index), cutBy: 'lines' };
    bytes += Buffer.byteLength(lines[index]!) + 1;
    if (bytes > limits.maxBytes) return { lines: lines.slice(0, index), cutBy: 'bytes' };
  }
  return { lines: [...lines], cutBy: undefined };
}

/** Cuts one long line to `maxChars`, with a marker so the model knows the line goes on. */
export function truncateLine(line: string, maxChars: number): string {
  return line.length <= maxChars ? line : `${line.slice(0, maxChars)}… [line cut at ${maxChars} characters]`;
}

/** The longest start of `bytes` of at most `maxBytes` that does not end inside a UTF-8 character. */
export function utf8Prefix(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (bytes.length <= maxBytes) return bytes;
  let end = Math.max(0, maxBytes);
  // Back off continuation bytes (10xxxxxx) to the start of the character that was cut.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** A byte count for people and models: "812 bytes", "12.5 KiB", "3.2 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${trimZero(bytes / 1024)} KiB`;
  return `${trimZero(bytes / (1024 * 1024))} MiB`;
}

function trimZero(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}

/** "1 file", "3 files": a count with its noun. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
