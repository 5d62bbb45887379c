/**
 * A piece of a JSON value in the order `JSON.stringify` writes it: punctuation,
 * keys and scalars as JSON text, and each string value whole and unescaped, so
 * a 4 MB file's content is measured, hashed or cut without an escaped copy.
 */
export type JsonPiece = { text: string; string?: undefined } | { string: string; text?: undefined };

/**
 * Walks `value` as `JSON.stringify` would write it (object keys in its order,
 * or sorted with `sortKeys`; `toJSON` called; undefined, functions and symbols
 * left out of objects and written as null in arrays). Values are assumed to
 * be trees, as parsed JSON is.
 */
export function walkJson(value: unknown, onPiece: (piece: JsonPiece) => void, options: { sortKeys?: boolean } = {}): void {
  const walk = (item: unknown, isInArray: boolean): void => {
    const json = toJsonValue(item);
    if (typeof json === 'string') return onPiece({ string: json });
    if (json === undefined || typeof json === 'function' || typeof json === 'symbol') {
      if (isInArray) onPiece({ text: 'null' });
      return;
    }
    if (json === null || typeof json !== 'object') return onPiece({ text: JSON.stringify(json) ?? 'null' });
    if (Array.isArray(json)) {
      onPiece({ text: '[' });
      json.forEach((element, index) => {
        if (index > 0) onPiece({ text: ',' });
        walk(element, true);
      });
      return onPiece({ text: ']' });
    }
    const entries = Object.entries(json).filter(([, entry]) => isWritten(toJsonValue(entry)));
    if (options.sortKeys) entries.sort(([a], [b]) => a.localeCompare(b));
    onPiece({ text: '{' });
    entries.forEach(([key, entry], index) => {
      onPiece({ text: `${index > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      walk(entry, false);
    });
    onPiece({ text: '}' });
  };
  walk(value, false);
}

/** How long `JSON.stringify(value)` is, and how many of its characters are ASCII, without building it. */
export function measureJson(value: unknown): { length: number; ascii: number } {
  let length = 0;
  let ascii = 0;
  walkJson(value, (piece) => {
    if (piece.string === undefined) {
      length += piece.text.length;
      ascii += countAscii(piece.text);
      return;
    }
    const counts = measureJsonString(piece.string);
    length += counts.length;
    ascii += counts.ascii;
  });
  return { length, ascii };
}

/** The first `maxChars` characters of `JSON.stringify(value)` (keys sorted with `sortKeys`), serialising no more than that. */
export function jsonPrefix(value: unknown, maxChars: number, options: { sortKeys?: boolean } = {}): string {
  let prefix = '';
  walkJson(
    value,
    (piece) => {
      const room = maxChars - prefix.length;
      if (room <= 0) return;
      // Two characters past the room: a surrogate pair cut in half would be escaped, but only past the cut.
      prefix += piece.string === undefined ? piece.text.slice(0, room) : JSON.stringify(piece.string.slice(0, room + 2)).slice(0, room);
    },
    options,
  );
  return prefix;
}

/** The length and ASCII characters of a string as JSON writes it: quoted, with `"`, `\`, controls and lone surrogates escaped. */
function measureJsonString(text: string): { length: number; ascii: number } {
  let length = 2;
  let ascii = 2;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) {
      length += 2;
      ascii += 2;
    } else if (code < 0x20) {
      length += 6;
      ascii += 6;
    } else if (code < 0x80) {
      length += 1;
      ascii += 1;
    } else if (code >= 0xd800 && code <= 0xdfff && !isPaired(text, index)) {
      length += 6;
      ascii += 6;
    } else {
      length += 1;
    }
  }
  return { length, ascii };
}

/** True when the surrogate at `index` is half of a well-formed pair. */
function isPaired(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code <= 0xdbff) {
    const next = text.charCodeAt(index + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const previous = text.charCodeAt(index - 1);
  return previous >= 0xd800 && previous <= 0xdbff;
}

function countAscii(text: string): number {
  let ascii = 0;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) < 0x80) ascii++;
  return ascii;
}

function toJsonValue(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : value;
}

function isWritten(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}
