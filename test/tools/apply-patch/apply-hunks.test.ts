import { describe, expect, it } from 'vitest';
import { applyHunks, HunkMismatchError } from '../../../src/tools/apply-patch/apply-hunks';
import { parsePatch } from '../../../src/tools/apply-patch/parse-patch';

/** Applies the hunks of a one-file update patch body to `text`. */
function apply(text: string, body: string): string {
  const [operation] = parsePatch(`*** Begin Patch\n*** Update File: f.txt\n${body}\n*** End Patch`);
  if (operation?.type !== 'update') throw new Error('not an update');
  return applyHunks(text, operation.hunks, 'f.txt');
}

function failure(text: string, body: string): string {
  try {
    apply(text, body);
  } catch (error) {
    expect(error).toBeInstanceOf(HunkMismatchError);
    return (error as Error).message;
  }
  throw new Error('the hunks applied');
}

describe('applyHunks', () => {
  it('applies several hunks in order (Codex lib.rs test_update_file_hunk_interleaved_changes)', () => {
    expect(apply('a\nb\nc\nd\ne\nf\n', '@@\n a\n-b\n+B\n@@\n c\n d\n-e\n+E\n@@\n f\n+g\n*** End of File')).toBe('a\nB\nc\nd\nE\nf\ng\n');
  });

  it('appends a pure addition without an anchor at the end of the file, after later hunks (Codex test_pure_addition_chunk_followed_by_removal)', () => {
    expect(apply('line1\nline2\nline3\n', '@@\n+after-context\n+second-line\n@@\n line1\n-line2\n-line3\n+line2-replacement')).toBe(
      'line1\nline2-replacement\nafter-context\nsecond-line\n',
    );
  });

  it('puts a pure addition under an @@ anchor right after the anchor line (Codex appends it at the end)', () => {
    expect(apply('def f():\n    pass\ndef g():\n    pass\n', '@@ def g():\n+    """Doc."""')).toBe('def f():\n    pass\ndef g():\n    """Doc."""\n    pass\n');
  });

  it('applies pure deletions (Codex fixture 021)', () => {
    expect(apply('keep\nremove me\nkeep too\n', '@@\n keep\n-remove me\n keep too')).toBe('keep\nkeep too\n');
  });

  it('matches ignoring trailing whitespace, then surrounding whitespace, then typographic punctuation, keeping the file\'s own context text', () => {
    expect(apply('foo   \nbar\t\n', '@@\n foo\n-bar\n+BAR')).toBe('foo   \nBAR\n');
    expect(apply('    foo\n    bar\n', '@@\n foo\n-bar\n+    BAR')).toBe('    foo\n    BAR\n');
    // Codex lib.rs test_update_line_with_unicode_dash: EN DASH and NON-BREAKING HYPHEN in the file, ASCII in the patch.
    const original = 'import asyncio  # local import \u2013 avoids top\u2011level dep\n';
    expect(apply(original, '@@\n-import asyncio  # local import - avoids top-level dep\n+import asyncio  # HELLO')).toBe('import asyncio  # HELLO\n');
    expect(apply('say \u201chi\u201d\n', '@@\n-say "hi"\n+say "hello"')).toBe('say "hello"\n');
  });

  it('refuses a context that fits two places, naming both lines', () => {
    const message = failure('x = 1\nprint(x)\nx = 1\nprint(x)\n', '@@\n x = 1\n-print(x)\n+print(x + 1)');
    expect(message).toBe(
      "f.txt: hunk 1 (patch line 3) matches the file in more than one place (at lines 1 and 3), and shoal never guesses. Add context lines that differ between the places, or an '@@ <line>' header naming the function or class it is in.",
    );
  });

  it('decides at the strictest level that matches: an exact match is not ambiguous with a loose one', () => {
    expect(apply('value = 1\n  value = 1\n', '@@\n-value = 1\n+value = 2')).toBe('value = 2\n  value = 1\n');
  });

  it('lets an @@ anchor narrow the search to its block, and refuses an anchor that fits two places', () => {
    const file = 'function a() {\n  return 1;\n}\nfunction b() {\n  return 1;\n}\n';
    expect(apply(file, '@@ function b() {\n-  return 1;\n+  return 2;')).toBe('function a() {\n  return 1;\n}\nfunction b() {\n  return 2;\n}\n');
    expect(failure(file, '@@\n-  return 1;\n+  return 2;')).toMatch(/at lines 2 and 5/);
    expect(failure(`${file}function b() {\n}\n`, '@@ function b() {\n-  return 1;\n+  return 2;')).toMatch(
      /its '@@ function b\(\) \{' header matches lines 4 and 7, and shoal never guesses/,
    );
  });

  it('reads a heading with nothing indented under it (Markdown) as heading the rest of the file', () => {
    expect(apply('## A\n\nitem\n\n## B\n\nitem\n', '@@ ## B\n-item\n+ITEM')).toBe('## A\n\nitem\n\n## B\n\nITEM\n');
  });

  it('still refuses a context that fits twice inside the anchored block', () => {
    const file = 'class A:\n    x = 1\n    x = 1\nclass B:\n    x = 1\n';
    expect(failure(file, '@@ class A:\n-    x = 1\n+    x = 2')).toMatch(/at lines 2 and 3/);
  });

  it('goes deeper with stacked @@ anchors', () => {
    const file = 'class A:\n    def f(self):\n        return 0\nclass B:\n    def f(self):\n        return 0\n';
    expect(apply(file, '@@ class B:\n@@     def f(self):\n-        return 0\n+        return 1')).toBe(
      'class A:\n    def f(self):\n        return 0\nclass B:\n    def f(self):\n        return 1\n',
    );
  });

  it('pins an *** End of File hunk to the last lines (Codex fixture 022), and says where its lines are when they are not last', () => {
    expect(apply('first\nsecond\n', '@@\n first\n-second\n+second updated\n*** End of File')).toBe('first\nsecond updated\n');
    expect(failure('a\nb\nc\n', '@@\n-a\n+A\n*** End of File')).toMatch(/is marked '\*\*\* End of File', but its lines are at line 1, not at the end of the file/);
  });

  it('takes the last instance when End of File pins a repeated line', () => {
    expect(apply('}\n}\n', '@@\n-}\n+};\n*** End of File')).toBe('}\n};\n');
  });

  it('keeps CRLF line endings, and a carriage return inside a line', () => {
    expect(apply('a\r\nb\r\nc\r\n', '@@\n a\n-b\n+B\n@@\n c\n+d\n*** End of File')).toBe('a\r\nB\r\nc\r\nd\r\n');
    // Codex lib.rs test_preserve_crlf_embedded_carriage_returns_on_append.
    expect(apply('foo\r\r\nbar\r\n', '@@\n+BAZ\n*** End of File')).toBe('foo\r\r\nbar\r\nBAZ\r\n');
  });

  it('keeps a file without a final newline that way (Codex fixture 014 adds one; shoal changes only what the patch says)', () => {
    expect(apply('no newline at end', '@@\n-no newline at end\n+first line\n+second line')).toBe('first line\nsecond line');
    expect(apply('a\nb', '@@\n a\n b\n+c')).toBe('a\nb\nc');
    expect(apply('', '@@\n+first')).toBe('first\n');
  });

  it('retries without blank context lines at a hunk\'s end, as Codex does', () => {
    expect(apply('foo\nbar\n', '@@\n foo\n-bar\n+BAR\n\n')).toBe('foo\nBAR\n');
  });

  it('names the first context line that did not match, what the file has there, and the most similar lines', () => {
    const file = 'function greet(name) {\n  const greeting = "hi";\n  return greeting + name;\n}\n';
    const message = failure(file, '@@\n function greet(name) {\n-  const greeting = "hello";\n+  const greeting = "hey";\n   return greeting + name;');
    expect(message).toBe(
      'f.txt: hunk 1 (patch line 3) does not match the file: its line \'  const greeting = "hello";\' was not found. ' +
        "The line before it matches from line 1, and then line 2 is '  const greeting = \"hi\";'.\n" +
        'The most similar lines in the file (for you to compare; never applied):\n' +
        '  2:   const greeting = "hi";',
    );
  });

  it('says when no line of the file is near the missing one (Codex fixture 006)', () => {
    expect(failure('line1\nline2\n', '@@\n-missing\n+changed')).toMatch(/its line 'missing' was not found\. No line of the file is close to it/);
  });

  it('reports a missing anchor with the lines most like it', () => {
    expect(failure('def greet():\n    pass\n', '@@ def greeting():\n-    pass\n+    return 1')).toMatch(
      /its '@@ def greeting\(\):' header was not found\.\nThe most similar lines in the file .*\n  1: def greet\(\):/,
    );
  });
});
