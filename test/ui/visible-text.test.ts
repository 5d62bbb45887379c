import { describe, expect, it } from 'vitest';
import { toVisibleLines, toVisibleParts, toVisibleText, wrapParts, wrapRow } from '../../src/ui/visible-text';

describe('toVisibleText', () => {
  it.each([
    ['echo harmless \u001b[8m; touch PWNED', 'echo harmless \\e[8m; touch PWNED'],
    ['bell\u0007 nul\u0000 del\u007f', 'bell\\x07 nul\\x00 del\\x7f'],
    ['c1 csi \u009b31m', 'c1 csi \\x9b31m'],
    ['over\rwrite', 'over\\rwrite'],
    ['line\nbreak\ttab', 'line\\nbreak\\ttab'],
    ['admin\u202e \u2066isolate\u2069', 'admin\\u{202e} \\u{2066}isolate\\u{2069}'],
    ['zero\u200bwidth\u200d\ufeff\u2060', 'zero\\u{200b}width\\u{200d}\\u{feff}\\u{2060}'],
    ['soft\u00adhyphen \u2028sep', 'soft\\xadhyphen \\u{2028}sep'],
  ])('escapes %j', (input, expected) => {
    expect(toVisibleText(input)).toBe(expected);
  });

  it('leaves printable text, accents, CJK and emoji alone', () => {
    const text = 'const café = "日本語 🐟"; // ok\\e stays as typed';
    expect(toVisibleText(text)).toBe(text);
  });

  it('never lets a control character through, whatever the input', () => {
    let all = '';
    for (let code = 0; code < 0x3000; code++) all += String.fromCodePoint(code);
    expect(toVisibleText(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/u);
  });
});

describe('toVisibleLines', () => {
  it('keeps line breaks as lines and expands tabs to the next stop of 4', () => {
    expect(toVisibleLines('a\tb\r\nab\tc\n\u001b[31mred')).toEqual(['a   b', 'ab  c', '\\e[31mred']);
  });
});

describe('wrapRow', () => {
  it('wraps a long line into whole rows, keeping every character', () => {
    const line = 'x'.repeat(250);
    const rows = wrapRow(line, 100);
    expect(rows.map((row) => row.length)).toEqual([100, 100, 50]);
    expect(rows.join('')).toBe(line);
  });

  it('counts wide characters as two columns', () => {
    expect(wrapRow('日本語日本', 4)).toEqual(['日本', '語日', '本']);
    expect(wrapRow('', 10)).toEqual(['']);
  });
});

describe('escape sequences from a hostile model, server or project file', () => {
  it('never reach the terminal from an answer, a notice or a prompt', async () => {
    const { render } = await import('ink-testing-library');
    const { Markdown } = await import('../../src/ui/markdown/Markdown');
    const { TranscriptEntry } = await import('../../src/ui/transcript/TranscriptEntry');
    const React = await import('react');
    const hostile = 'safe \u001b[8mhidden\u001b[0m \u001b]0;title\u0007 end';
    const frames = [
      render(React.createElement(Markdown, { text: `**answer** ${hostile}` })).lastFrame()!,
      render(React.createElement(TranscriptEntry, { item: { kind: 'notice', key: 'n', notice: { id: 1, text: hostile, tone: 'error' } } })).lastFrame()!,
    ];
    for (const frame of frames) {
      expect(frame).not.toContain('\u001b[8m');
      expect(frame).not.toContain('\u0007');
      expect(frame).toContain('\\e[8mhidden');
    }
  });
});

describe('escapes drawn apart from typed text', () => {
  it('marks which parts are escapes, so a real ESC and a typed \\e differ', () => {
    expect(toVisibleParts("printf '\\e[31m' \u001b[31m\tend")).toEqual([
      { text: "printf '\\e[31m' ", isEscape: false },
      { text: '\\e', isEscape: true },
      { text: '[31m   end', isEscape: false },
    ]);
    expect(toVisibleParts('')).toEqual([{ text: '', isEscape: false }]);
  });

  it('wraps parts like wrapRow, never cutting an escape', () => {
    const rows = wrapParts(toVisibleParts('abcdefg\u202ehij'), 10);
    expect(rows.map((row) => row.map((part) => part.text).join(''))).toEqual(['abcdefg', '\\u{202e}hi', 'j']);
    expect(rows[1]![0]).toEqual({ text: '\\u{202e}', isEscape: true });
  });

  it('draws an escape in inverse video in the approval preview, and a typed \\e as typed', async () => {
    const { render } = await import('ink-testing-library');
    const { default: chalk } = await import('chalk');
    const React = await import('react');
    const { PreviewRows } = await import('../../src/ui/approval/PreviewRows');
    const { commandRows } = await import('../../src/ui/approval/preview-rows');
    const level = chalk.level;
    chalk.level = 1;
    try {
      const rows = commandRows("printf '\\e]52;c;x\\a' > note.txt; printf '\u001b]52;c;x\u0007'", '/repo', 100);
      const frame = render(React.createElement(PreviewRows, { rows })).lastFrame()!;
      expect(frame).toContain("printf '\\e]52;c;x\\a' > note.txt; printf '\u001b[7m\\e\u001b[27m]52;c;x\u001b[7m\\x07\u001b[27m'");
    } finally {
      chalk.level = level;
    }
  });
});
