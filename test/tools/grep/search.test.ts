import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiteral } from '../../../src/tools/grep/search';
import { propertyParameters } from '../../properties/property-runs';

describe('requiredLiteral', () => {
  it.each([
    ['zebraQuartz\\w*Handler', 'zebraQuartz'],
    ['^import\\s+\\{', 'import'],
    ['colou?r', 'colo'],
    ['ab+c', 'ab'],
    ['ab*', 'a'],
    ['x{2}yz', 'yz'],
    ['x{0,2}yz', 'yz'],
    ['(foo|bar)bazz', 'bazz'],
    ['[abc]def', 'def'],
    ['a\\.b\\(', 'a.b('],
    ['\\x41BC', 'BC'],
    ['\\u{1F600}ok', 'ok'],
    ['\\p{Lu}abc', 'abc'],
    ['(a)\\1xy', 'xy'],
    ['café', 'caf'],
  ])('finds the literal every match of %s contains: %s', (source, literal) => {
    expect(requiredLiteral(source, source.includes('\\u{') || source.includes('\\p{') ? 'u' : '')).toBe(literal);
  });

  it.each([['foo|bar'], ['\\w+'], ['.*'], ['(abc)']])('finds none in %s', (source) => {
    expect(requiredLiteral(source, '')).toBeUndefined();
  });

  it('finds none when case is ignored', () => {
    expect(requiredLiteral('needle', 'i')).toBeUndefined();
  });

  it('only ever names text that every match contains', () => {
    const atom = fc.constantFrom('a', 'b', '-', '\\.', '.', '[ab]', '\\w', '\\d', '(ab|c)', '(?:b)', '\\x61', '{', '}');
    const quantifier = fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{0,2}', '{1,}', '+?', '??');
    const piece = fc.tuple(atom, quantifier).map(([a, q]) => (a === '{' || a === '}' ? a : a + q));
    const pattern = fc
      .tuple(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.option(fc.array(piece, { maxLength: 4 })))
      .map(([left, right]) => left.join('') + (right ? `|${right.join('')}` : ''))
      .filter((source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      });
    const sample = pattern.chain((source) => fc.tuple(fc.constant(source), fc.stringMatching(new RegExp(source))));
    fc.assert(
      fc.property(sample, ([source, text]) => {
        const literal = requiredLiteral(source, '');
        if (literal === undefined) return;
        fc.pre(new RegExp(source).test(text));
        expect(text).toContain(literal);
      }),
      propertyParameters(),
    );
  });
});
