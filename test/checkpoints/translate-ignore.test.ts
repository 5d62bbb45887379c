import { describe, expect, it } from 'vitest';
import { literalRule, segmentPattern, translateIgnoreRules } from '../../src/checkpoints/translate-ignore';

describe('ignore rules from above the workspace', () => {
  it('keeps rules without a slash as they are: they match at any depth', () => {
    expect(translateIgnoreRules('*.log\nnode_modules/\n!keep.log\n', 'packages/app')).toEqual(['*.log', 'node_modules/', '!keep.log']);
  });

  it('moves anchored rules down to the workspace, and drops those that lead elsewhere', () => {
    const text = ['/packages/app/dist/', 'packages/*/cache/', 'packages/other/x', '/top.txt', '!packages/app/keep/', 'packages/app'].join('\n');
    expect(translateIgnoreRules(text, 'packages/app')).toEqual(['/dist/', '/cache/', '!/keep/']);
  });

  it('lets ** stand for any number of folders, the workspace path included', () => {
    expect(translateIgnoreRules('**/out/*.js\n', 'a/b')).toEqual(['/**/out/*.js']);
    expect(translateIgnoreRules('a/**/gen\n', 'a/b/c')).toEqual(['/**/gen']);
    expect(translateIgnoreRules('*/b/gen\n', 'a/b')).toEqual(['/gen']);
    expect(translateIgnoreRules('a/**\n', 'a/b')).toEqual(['/**']);
  });

  it('reads lines as git does: comments, blanks, escapes and trailing spaces', () => {
    expect(translateIgnoreRules('# comment\n\n\\#hash\n/a/b   \n/a/c\\ \n', 'a')).toEqual(['\\#hash', '/b', '/c\\ ']);
  });

  it('rewrites nothing for the workspace itself, but anchors what was anchored', () => {
    expect(translateIgnoreRules('/build\nsrc/gen/\nx\n', '')).toEqual(['/build', '/src/gen/', 'x']);
  });

  it('matches one segment like fnmatch: *, ?, classes and escapes, never across a slash', () => {
    expect(segmentPattern('pkg-*').test('pkg-12')).toBe(true);
    expect(segmentPattern('pkg-?').test('pkg-12')).toBe(false);
    expect(segmentPattern('[a-c]x').test('bx')).toBe(true);
    expect(segmentPattern('[!a-c]x').test('bx')).toBe(false);
    expect(segmentPattern('\\*').test('*')).toBe(true);
    expect(segmentPattern('\\*').test('x')).toBe(false);
    expect(segmentPattern('a.b').test('axb')).toBe(false);
  });

  it('escapes every glob character of a literal path', () => {
    expect(literalRule('state/*[x]?/!#\\')).toBe('/state/\\*\\[x\\]\\?/\\!\\#\\\\');
  });
});
