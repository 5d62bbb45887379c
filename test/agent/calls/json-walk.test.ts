import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPrefix, measureJson, walkJson } from '../../../src/agent/calls/json-walk';

/** Strings of any UTF-16 units: controls, quotes, backslashes, astral pairs and lone surrogates. */
const anyString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 });
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString,
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(anyString, fc.oneof(tie('value'), fc.constant(undefined))),
  ),
})).value;

function asciiOf(text: string): number {
  return [...text].reduce((count, char) => count + (char.charCodeAt(0) < 0x80 ? 1 : 0), 0);
}

describe('walkJson', () => {
  it('measures any value as JSON.stringify writes it, without writing it', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const json = JSON.stringify(value);
        expect(measureJson(value)).toEqual({ length: json.length, ascii: asciiOf(json) });
      }),
    );
  });

  it('gives the prefix JSON.stringify would, cut anywhere', () => {
    fc.assert(
      fc.property(anyJson, fc.nat(80), (value, maxChars) => {
        expect(jsonPrefix(value, maxChars)).toBe(JSON.stringify(value).slice(0, maxChars));
      }),
    );
  });

  it('sorts keys on request, calls toJSON, and hands string values over whole', () => {
    const content = 'x'.repeat(100_000);
    const pieces: string[] = [];
    walkJson({ path: 'a.ts', content, when: new Date(0), skipped: undefined, list: [undefined, 1] }, (piece) => pieces.push(piece.text ?? `<${piece.string.length}>`), { sortKeys: true });
    expect(pieces.join('')).toBe('{"content":<100000>,"list":[null,1],"path":<4>,"when":<24>}');
    expect(jsonPrefix({ b: 1, a: 'é"' }, 100, { sortKeys: true })).toBe('{"a":"é\\"","b":1}');
  });
});
