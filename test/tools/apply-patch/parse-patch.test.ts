import { describe, expect, it } from 'vitest';
import { parsePatch, PatchSyntaxError } from '../../../src/tools/apply-patch/parse-patch';

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

describe('parsePatch', () => {
  it('reads add, delete and update-with-move sections in order (after Codex parser.rs test_parse_patch)', () => {
    const operations = parsePatch(
      wrap('*** Add File: path/add.py\n+abc\n+def\n*** Delete File: path/delete.py\n*** Update File: path/update.py\n*** Move to: path/update2.py\n@@ def f():\n-    pass\n+    return 123'),
    );
    expect(operations).toEqual([
      { type: 'add', path: 'path/add.py', contents: 'abc\ndef\n', patchLine: 2 },
      { type: 'delete', path: 'path/delete.py', patchLine: 5 },
      {
        type: 'update',
        path: 'path/update.py',
        moveTo: 'path/update2.py',
        patchLine: 6,
        hunks: [
          {
            anchors: ['def f():'],
            lines: [
              { kind: 'remove', text: '    pass' },
              { kind: 'add', text: '    return 123' },
            ],
            isEndOfFile: false,
            patchLine: 8,
          },
        ],
      },
    ]);
  });

  it('takes a first hunk without @@, blank lines as empty context, and *** End of File', () => {
    const [update] = parsePatch(wrap('*** Update File: a.txt\n import foo\n\n+bar\n*** End of File'));
    expect(update).toMatchObject({
      hunks: [{ anchors: [], isEndOfFile: true, lines: [{ kind: 'context', text: 'import foo' }, { kind: 'context', text: '' }, { kind: 'add', text: 'bar' }] }],
    });
  });

  it('stacks consecutive @@ headers and reads a unified range header as its heading only', () => {
    const [update] = parsePatch(wrap('*** Update File: a.py\n@@ class A\n@@ \t def f():\n-x\n+y\n@@ -12,4 +12,5 @@ def g():\n-z\n+w\n@@ -1 +1 @@\n-q\n+r'));
    expect(update?.type === 'update' && update.hunks.map((hunk) => hunk.anchors)).toEqual([['class A', '\t def f():'], ['def g():'], []]);
  });

  it('accepts whitespace around the markers and headers (Codex fixtures 017, 018, 020)', () => {
    expect(parsePatch(' *** Begin Patch\n*** Update File: file.txt\n@@\n-one\n+two\n*** End Patch \n')).toHaveLength(1);
    expect(parsePatch('*** Begin Patch \n  *** Update File: foo.txt\n@@\n-old\n+new\n *** End Patch\n')[0]).toMatchObject({ path: 'foo.txt' });
  });

  it('unwraps a heredoc around the patch, as Codex lenient mode does, and numbers lines as sent', () => {
    for (const opener of ["<<'EOF'", '<<EOF', '<<"EOF"', "apply_patch <<'PATCH'"]) {
      const closer = opener.includes('PATCH') ? 'PATCH' : 'EOF';
      const [add] = parsePatch(`${opener}\n*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n${closer}\n`);
      expect(add).toEqual({ type: 'add', path: 'a.txt', contents: 'hi\n', patchLine: 3 });
    }
    expect(() => parsePatch("<<\"EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF")).toThrow(/must start with '\*\*\* Begin Patch'/);
  });

  it('keeps an empty line between + lines of a new file, and ends the section at a blank line before the next header', () => {
    const operations = parsePatch(wrap('*** Add File: a.md\n+# Title\n\n+text\n\n*** Delete File: b.md'));
    expect(operations).toEqual([
      { type: 'add', path: 'a.md', contents: '# Title\n\ntext\n', patchLine: 2 },
      { type: 'delete', path: 'b.md', patchLine: 7 },
    ]);
  });

  it('reads an update with only a move as a rename', () => {
    expect(parsePatch(wrap('*** Update File: a.txt\n*** Move to: b.txt'))).toEqual([{ type: 'update', path: 'a.txt', moveTo: 'b.txt', hunks: [], patchLine: 2 }]);
  });

  it.each([
    ['an empty string', '', /must start with '\*\*\* Begin Patch', but the patch is empty/],
    ['no begin marker', 'bad', /must start with '\*\*\* Begin Patch', but line 1 is 'bad'/],
    ['no end marker', '*** Begin Patch\n*** Add File: a\n+x', /last line must be '\*\*\* End Patch' \(line 3 is '\+x'\)/],
    ['an empty patch (Codex fixture 005)', '*** Begin Patch\n*** End Patch', /has no '\*\*\* Add File:'.*section, so nothing would change/],
    ['an invalid header (Codex fixture 013)', wrap('*** Frobnicate File: foo'), /line 2: '\*\*\* Frobnicate File: foo' is not a section header/],
    ['an update without hunks (Codex fixture 008)', wrap('*** Update File: foo.txt'), /line 2: '\*\*\* Update File: foo.txt' has no hunks/],
    ['a header without a path', wrap('*** Delete File:   '), /line 2: '\*\*\* Delete File:' names no path/],
    ['a hunk line without a prefix', wrap('*** Update File: a\n@@\nbad'), /line 4: 'bad' in the update of a starts with none of ' ' \(context\)/],
    ['an @@ with no lines', wrap('*** Update File: a\n@@ def f():\n*** Delete File: b'), /line 3: the '@@' hunk in the update of a has no lines/],
    ['End of File with no lines before it', wrap('*** Update File: a\n@@\n*** End of File'), /line 4: '\*\*\* End of File' ends a hunk, but no hunk lines come before it/],
    ['a delete followed by lines', wrap('*** Delete File: a\n+x'), /line 3: '\+x' is not a section header/],
  ])('refuses %s in one line naming the patch line', (_name, patch, message) => {
    let error: unknown;
    try {
      parsePatch(patch);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PatchSyntaxError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
