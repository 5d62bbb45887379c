import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { isBinary } from '../../workspace/binary';

/** What a response holds, as far as web_fetch cares. */
export type BodyKind = 'html' | 'text' | 'binary';

const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|xml|javascript|ecmascript|x-javascript|x-sh|x-shellscript|sql|graphql|toml|yaml|x-yaml|x-ndjson|x-www-form-urlencoded)$/,
  /^application\/[\w.+-]+\+(json|xml|yaml)$/,
];

// RFC 9110 token characters: a header value may hold bytes 0x80-0xff, which would reach messages as C1 controls.
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/**
 * The media type of a `content-type` header, lower case without parameters
 * ("text/html"); "" when absent or malformed, so the server's bytes never reach a message unchecked.
 */
export function mediaType(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : '';
}

/**
 * What the response holds by its media type. Undefined for a missing or
 * generic type (`application/octet-stream`), which `sniffKind` decides from the bytes.
 */
export function kindOfMediaType(type: string): BodyKind | undefined {
  if (type === '' || type === 'application/octet-stream') return undefined;
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  return TEXT_TYPES.some((pattern) => pattern.test(type)) ? 'text' : 'binary';
}

/** What untyped bytes hold: binary with a NUL byte, HTML when they start like a page, text otherwise. */
export function sniffKind(bytes: Uint8Array): BodyKind {
  if (isBinary(bytes)) return 'binary';
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') ? 'html' : 'text';
}

/**
 * Decodes a body by the charset the header names, else a byte order mark,
 * else (HTML) a `<meta charset>` near the top, else UTF-8, falling back to
 * windows-1252 when the bytes are not valid UTF-8 (what browsers do for old pages).
 */
export function decodeBody(bytes: Uint8Array, options: { contentType: string | undefined; kind: BodyKind }): string {
  const label =
    charsetParameter(options.contentType) ?? bomCharset(bytes) ?? (options.kind === 'html' ? metaCharset(bytes) : undefined);
  const decoder = label === undefined ? undefined : decoderFor(label);
  if (decoder) return decoder.decode(bytes);
  return new TextDecoder(isUtf8(bytes) ? 'utf-8' : 'windows-1252').decode(bytes);
}

function charsetParameter(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1];
}

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

// The HTML spec looks in the first 1024 bytes; some pages put a long comment first.
function metaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  return (
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] // both <meta charset> and http-equiv content="...; charset=x"
  );
}

// An unknown label (a typo, or one TextDecoder lacks) falls back as if none were given.
function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}
