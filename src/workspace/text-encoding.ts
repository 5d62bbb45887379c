import { isUtf8 } from 'node:buffer';

/** The bytes a UTF-8 byte order mark is written as. */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A file's bytes as text, and how they were decoded. */
export interface DecodedText {
  /** The text, without a leading byte order mark. */
  text: string;
  /** False when the bytes are not valid UTF-8 and were decoded as Latin-1 instead. */
  isUtf8: boolean;
  /** True when the bytes start with a UTF-8 byte order mark (left out of `text`). */
  hasBom: boolean;
}

/**
 * Decodes bytes as UTF-8, leaving out a byte order mark at their start; bytes
 * that are not valid UTF-8 decode as Latin-1 (one character per byte), so
 * nothing is lost or replaced.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isUtf8(buffer)) return { text: buffer.toString('latin1'), isUtf8: false, hasBom: false };
  const hasBom = buffer.subarray(0, UTF8_BOM.length).equals(UTF8_BOM);
  return { text: buffer.toString('utf8', hasBom ? UTF8_BOM.length : 0), isUtf8: true, hasBom };
}

/** `text` as UTF-8 bytes, with a byte order mark in front when `hasBom` (`text` itself should not start with one). */
export function encodeText(text: string, hasBom: boolean): Buffer {
  const body = Buffer.from(text, 'utf8');
  return hasBom ? Buffer.concat([UTF8_BOM, body]) : body;
}

/** Why the write tools refuse a file that is not UTF-8, and what to use instead. */
export function notUtf8Message(shownPath: string): string {
  return (
    `${shownPath} is not valid UTF-8 (it may be Latin-1 or another legacy encoding); update_file and write_file ` +
    'only change UTF-8 files, and rewriting it would corrupt its other characters. If the user wants it changed, ' +
    'use bash: convert it (e.g. iconv -f latin1 -t utf-8) or edit its bytes in place (e.g. sed).'
  );
}
