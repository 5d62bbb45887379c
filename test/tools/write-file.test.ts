import { chmod, mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWriteFileTool } from '../../src/tools/write-file';
import { createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

describe('write_file', () => {
  it('creates a file and its parent directories', async () => {
    const cwd = await createTempWorkspace();
    const result = await createWriteFileTool({ cwd }).execute({ path: 'src/deep/new.ts', content: 'one\ntwo\n' }, context);
    expect(result.output).toBe('Created src/deep/new.ts (2 lines).');
    expect(result.summary).toBe('created, 2 lines');
    expect(await readFile(path.join(cwd, 'src/deep/new.ts'), 'utf8')).toBe('one\ntwo\n');
  });

  it('previews a new file as all additions, without writing it', async () => {
    const cwd = await createTempWorkspace();
    const preview = await createWriteFileTool({ cwd }).preview!({ path: 'src/new.ts', content: 'one\ntwo\n' });
    expect(preview).toEqual({
      type: 'diff',
      path: 'src/new.ts',
      isNewFile: true,
      diff: '--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1,2 @@\n+one\n+two\n',
      binding: expect.any(String),
    });
    expect(await readdir(cwd)).toEqual([]);
  });

  it('overwrites a file, previewing exactly the lines that change', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\nb\nc\n' });
    const tool = createWriteFileTool({ cwd });
    const preview = await tool.preview!({ path: 'a.txt', content: 'a\nB\nc\nd\n' });
    expect(preview).toMatchObject({ isNewFile: false, path: 'a.txt' });
    expect(preview.type === 'diff' && preview.diff).toBe('--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n');

    const result = await tool.execute({ path: 'a.txt', content: 'a\nB\nc\nd\n' }, context);
    expect(result.output).toBe('Overwrote a.txt (4 lines).');
    expect(result.summary).toBe('+2 -1');
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('a\nB\nc\nd\n');
  });

  it('sums up an approved overwrite from the diff the user saw, without diffing the file again', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\nb\nc\n' });
    const tool = createWriteFileTool({ cwd });
    const input = { path: 'a.txt', content: 'a\nB\nc\nd\n' };
    const preview = await tool.preview!(input);
    if (preview.type !== 'diff') throw new Error('expected a diff preview');
    // One line more in the approved diff than in a fresh one: the summary shows which it counted.
    const approvedPreview = { ...preview, diff: `${preview.diff}+e\n` };
    const result = await tool.execute(input, { ...context, approvedPreview });
    expect(result.summary).toBe('+3 -1');
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('a\nB\nc\nd\n');
  });

  it('says when the content is unchanged, in the preview and the result', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'same\n' });
    const tool = createWriteFileTool({ cwd });
    const preview = await tool.preview!({ path: 'a.txt', content: 'same\n' });
    expect(preview.type === 'diff' && preview.diff).toBe(
      '--- a/a.txt\n+++ b/a.txt\n\\ No changes: a.txt already has exactly this content.\n',
    );
    const result = await tool.execute({ path: 'a.txt', content: 'same\n' }, context);
    expect(result).toEqual({ output: 'a.txt already has exactly this content (1 line); nothing was written.', summary: 'unchanged' });
  });

  it('keeps the mode of a file it overwrites', async () => {
    const cwd = await createTempWorkspace({ 'run.sh': 'echo old\n' });
    await chmod(path.join(cwd, 'run.sh'), 0o751);
    await createWriteFileTool({ cwd }).execute({ path: 'run.sh', content: 'echo new\n' }, context);
    expect((await stat(path.join(cwd, 'run.sh'))).mode & 0o7777).toBe(0o751);
  });

  it('keeps CRLF line endings when the model sends LF', async () => {
    const cwd = await createTempWorkspace({ 'win.txt': 'one\r\ntwo\r\n' });
    const tool = createWriteFileTool({ cwd });
    const preview = await tool.preview!({ path: 'win.txt', content: 'one\nthree\n' });
    expect(preview.type === 'diff' && preview.diff).toBe('--- a/win.txt\n+++ b/win.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n');
    await tool.execute({ path: 'win.txt', content: 'one\nthree\n' }, context);
    expect(await readFile(path.join(cwd, 'win.txt'), 'utf8')).toBe('one\r\nthree\r\n');
  });

  it('writes through a symlink inside the workspace and keeps the link', async () => {
    const cwd = await createTempWorkspace({ 'real.txt': 'old\n' });
    await symlink('real.txt', path.join(cwd, 'link.txt'));
    await createWriteFileTool({ cwd }).execute({ path: 'link.txt', content: 'new\n' }, context);
    expect(await readFile(path.join(cwd, 'real.txt'), 'utf8')).toBe('new\n');
    expect((await readdir(cwd)).sort()).toEqual(['link.txt', 'real.txt']);
  });

  it('leaves no temp files behind', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'old\n' });
    await createWriteFileTool({ cwd }).execute({ path: 'a.txt', content: 'new\n' }, context);
    expect(await readdir(cwd)).toEqual(['a.txt']);
  });

  it('previews an empty new file with a note instead of a hunk', async () => {
    const cwd = await createTempWorkspace();
    const preview = await createWriteFileTool({ cwd }).preview!({ path: 'empty.txt', content: '' });
    expect(preview.type === 'diff' && preview.diff).toBe('--- /dev/null\n+++ b/empty.txt\n\\ Creates empty.txt as an empty file.\n');
  });

  it('refuses a directory', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': '' });
    const tool = createWriteFileTool({ cwd });
    await expect(tool.execute({ path: 'src', content: 'x' }, context)).rejects.toThrow('src is a directory');
    await expect(tool.preview!({ path: 'src', content: 'x' })).rejects.toThrow('src is a directory');
  });

  it('refuses paths outside the workspace and writes nothing there', async () => {
    const outside = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    await symlink(outside, path.join(cwd, 'escape'));
    const tool = createWriteFileTool({ cwd });
    const relative = path.relative(cwd, path.join(outside, 'a.txt'));
    for (const requested of [relative, path.join(outside, 'a.txt'), 'escape/a.txt']) {
      await expect(tool.execute({ path: requested, content: 'x' }, context)).rejects.toThrow('outside the workspace');
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('says when a part of the path is a file', async () => {
    const cwd = await createTempWorkspace({ 'file.txt': '' });
    await expect(createWriteFileTool({ cwd }).execute({ path: 'file.txt/a.txt', content: 'x' }, context)).rejects.toThrow(
      'a part of that path is a file',
    );
  });

  it('refuses a read-only file, even when running as root', async () => {
    const cwd = await createTempWorkspace({ 'locked.txt': 'old\n' });
    await chmod(path.join(cwd, 'locked.txt'), 0o444);
    await expect(createWriteFileTool({ cwd }).execute({ path: 'locked.txt', content: 'new\n' }, context)).rejects.toThrow(
      'locked.txt is read-only',
    );
    expect(await readFile(path.join(cwd, 'locked.txt'), 'utf8')).toBe('old\n');
  });

  it('describes the call by path and line count', async () => {
    const cwd = await createTempWorkspace();
    await mkdir(path.join(cwd, 'src'));
    expect(createWriteFileTool({ cwd }).describe({ path: 'src/app.ts', content: 'a\nb\n' })).toBe('src/app.ts (2 lines)');
  });
});
