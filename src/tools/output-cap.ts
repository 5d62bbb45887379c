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
 * counting a newline per line) would be passed. A line too long for what is
 * left keeps its start when over half the budget would otherwise go unused
 * (one line of minified JSON must not come back as nothing). The caller adds
 * the marker, since only it knows how to fetch the rest.
 */
export function capLines(lines: readonly string[], limits: OutputLimits): CappedLines {
  let bytes = 0;
  for (let index = 0; index < lines.length; index++) {
    if (index === limits.maxLines) return { lines: lines.slice(0, index), cutBy: 'lines' };
    const size = Buffer.byteLength(lines[index]!) + 1;
    if (bytes + size > limits.maxBytes) {
      const kept = lines.slice(0, index);
      const left = limits.maxBytes - bytes;
      if (left >= limits.maxBytes / 2) kept.push(cutLineBytes(lines[index]!, left - LINE_CUT_RESERVE));
      return { lines: kept, cutBy: 'bytes' };
    }
    bytes += size;
  }
  return { lines: [...lines], cutBy: undefined };
}

// Room for the marker a cut line ends with.
const LINE_CUT_RESERVE = 64;

/** The start of `line` in at most `maxBytes` of UTF-8, marked as cut. */
function cutLineBytes(line: string, maxBytes: number): string {
  const start = Buffer.from(utf8Prefix(Buffer.from(line), Math.max(0, maxBytes))).toString('utf8');
  return `${start}… [line cut at ${formatBytes(Buffer.byteLength(start))} of ${formatBytes(Buffer.byteLength(line))}]`;
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
