import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalPreview } from '../../../src/tools/types';
import { createUpdateFileTool } from '../../../src/tools/update-file';
import { createWriteFileTool } from '../../../src/tools/write-file';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

function diffOf(preview: ApprovalPreview): string {
  if (preview.type !== 'diff') throw new Error(`expected a diff preview, got ${preview.type}`);
  return preview.diff;
}

describe('previews of writes that change line endings or the final newline', () => {
  it('write_file: names the one line of a mostly-CRLF file whose LF becomes CRLF, as a removed and an added line', async () => {
    const before = 'one\r\ntwo\nthree\r\nfour\r\n';
    const cwd = await createTempWorkspace({ 'win.txt': before });
    const tool = createWriteFileTool({ cwd });
    const input = { path: 'win.txt', content: 'one\ntwo\nthree\nfour\nfive\n' };
    expect(diffOf(await tool.preview!(input))).toBe(
      '--- a/win.txt\n+++ b/win.txt\n' +
        '\\ Line endings change: 1 line LF → CRLF (line 2).\n' +
        '@@ -1,4 +1,5 @@\n one\n-two\n+two\n three\n four\n+five\n',
    );
    const result = await tool.execute(input, context);
    expect(await readFile(path.join(cwd, 'win.txt'), 'utf8')).toBe('one\r\ntwo\r\nthree\r\nfour\r\nfive\r\n');
    expect(result.summary).toBe('+2 -1');
  });

  it('write_file: says when the whole file goes from LF to CRLF, even when no line of text changes', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'one\ntwo\n' });
    const tool = createWriteFileTool({ cwd });
    expect(diffOf(await tool.preview!({ path: 'a.txt', content: 'one\r\ntwo\r\n' }))).toBe(
      '--- a/a.txt\n+++ b/a.txt\n\\ Line endings change: the whole file goes from LF to CRLF (2 lines).\n',
    );
    expect(diffOf(await tool.preview!({ path: 'a.txt', content: 'one\r\n2\r\n' }))).toBe(
      '--- a/a.txt\n+++ b/a.txt\n\\ Line endings change: the whole file goes from LF to CRLF (2 lines).\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n',
    );
  });

  it('write_file: shows a final newline dropped or added, in LF and CRLF files alike', async () => {
    const cwd = await createTempWorkspace({ 'lf.txt': 'a\nb\n', 'crlf.txt': 'a\r\nb' });
    const tool = createWriteFileTool({ cwd });
    expect(diffOf(await tool.preview!({ path: 'lf.txt', content: 'a\nb' }))).toBe(
      '--- a/lf.txt\n+++ b/lf.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n',
    );
    expect(diffOf(await tool.preview!({ path: 'crlf.txt', content: 'a\nb\n' }))).toBe(
      '--- a/crlf.txt\n+++ b/crlf.txt\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    );
  });

  it('update_file: names a line whose ending the replacement changes in a mixed file', async () => {
    const cwd = await createTempWorkspace({ 'mixed.txt': 'x\r\ny\nz\r\nw\r\n' });
    const tool = createUpdateFileTool({ cwd });
    const input = { path: 'mixed.txt', old_string: 'x\ny\nz', new_string: 'x\ny\nZ' };
    expect(diffOf(await tool.preview!(input))).toBe(
      '--- a/mixed.txt\n+++ b/mixed.txt\n' +
        '\\ Line endings change: 1 line LF → CRLF (line 2).\n' +
        '@@ -1,4 +1,4 @@\n x\n-y\n-z\n+y\n+Z\n w\n',
    );
    await tool.execute(input, context);
    expect(await readFile(path.join(cwd, 'mixed.txt'), 'utf8')).toBe('x\r\ny\r\nZ\r\nw\r\n');
  });

  it('update_file: shows the final newline a replacement removes', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\r\nb\r\n' });
    const preview = await createUpdateFileTool({ cwd }).preview!({ path: 'a.txt', old_string: 'b\n', new_string: 'B' });
    expect(diffOf(preview)).toBe('--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n\\ No newline at end of file\n');
  });

  it('keeps a CRLF file that stays CRLF free of notes', async () => {
    const cwd = await createTempWorkspace({ 'win.txt': 'one\r\ntwo\r\nthree\r\n' });
    const preview = await createUpdateFileTool({ cwd }).preview!({ path: 'win.txt', old_string: 'two', new_string: '2' });
    expect(diffOf(preview)).toBe('--- a/win.txt\n+++ b/win.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n');
  });
});
