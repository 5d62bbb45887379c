import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { createUpdateFileTool, type UpdateFileInput } from '../../src/tools/update-file';
import { createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

const source = 'function greet() {\n  return "hi";\n}\n';

async function update(files: Record<string, string>, input: UpdateFileInput) {
  const cwd = await createTempWorkspace(files);
  const result = await createUpdateFileTool({ cwd }).execute(input, context);
  return { cwd, result, read: (relative: string) => readFile(path.join(cwd, relative), 'utf8') };
}

describe('update_file', () => {
  it('replaces one exact snippet and counts the changed lines', async () => {
    const { result, read } = await update(
      { 'a.ts': source },
      { path: 'a.ts', old_string: '  return "hi";', new_string: '  const name = "you";\n  return `hi ${name}`;' },
    );
    expect(result.output).toBe('Updated a.ts: replaced 1 occurrence (+2 -1 lines).');
    expect(result.summary).toBe('+2 -1');
    expect(await read('a.ts')).toBe('function greet() {\n  const name = "you";\n  return `hi ${name}`;\n}\n');
  });

  it('previews exactly the change that execute writes', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': source });
    const tool = createUpdateFileTool({ cwd });
    const input = { path: 'a.ts', old_string: 'return "hi";', new_string: 'return "hello";' };
    const preview = await tool.preview!(input);
    expect(preview).toEqual({
      type: 'diff',
      path: 'a.ts',
      isNewFile: false,
      diff: '--- a/a.ts\n+++ b/a.ts\n@@ -1,3 +1,3 @@\n function greet() {\n-  return "hi";\n+  return "hello";\n }\n',
      binding: expect.any(String),
    });
    expect(await readFile(path.join(cwd, 'a.ts'), 'utf8')).toBe(source);
    await tool.execute(input, context);
    expect(await readFile(path.join(cwd, 'a.ts'), 'utf8')).toBe(applyPatch(source, preview.type === 'diff' ? preview.diff : ''));
  });

  it('replaces every occurrence with replace_all', async () => {
    const { result, read } = await update(
      { 'a.txt': 'foo\nbar\nfoo\nfoo\n' },
      { path: 'a.txt', old_string: 'foo', new_string: 'baz', replace_all: true },
    );
    expect(result.output).toBe('Updated a.txt: replaced 3 occurrences (+3 -3 lines).');
    expect(await read('a.txt')).toBe('baz\nbar\nbaz\nbaz\n');
  });

  it('refuses a snippet that occurs more than once, naming the lines', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'foo\nbar\nfoo\nbar\nfoo\n' });
    const tool = createUpdateFileTool({ cwd });
    const input = { path: 'a.txt', old_string: 'foo', new_string: 'baz' };
    const message = 'old_string occurs 3 times in a.txt (lines 1, 3, 5); add surrounding lines to make it unique or set replace_all.';
    await expect(tool.execute(input, context)).rejects.toThrow(message);
    await expect(tool.preview!(input)).rejects.toThrow(message);
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('foo\nbar\nfoo\nbar\nfoo\n');
  });

  it('says when the snippet is not found and hints to read the file again', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': source });
    await expect(
      createUpdateFileTool({ cwd }).execute({ path: 'a.ts', old_string: 'return "bye";', new_string: 'x' }, context),
    ).rejects.toThrow('old_string was not found in a.ts. The file may have changed since you read it: read it again');
  });

  it('points at a match that differs only in whitespace', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': `// header\n${source}` });
    const input = { path: 'a.ts', old_string: 'function greet() {\n    return  "hi";', new_string: 'x' };
    await expect(createUpdateFileTool({ cwd }).execute(input, context)).rejects.toThrow(
      'old_string was not found exactly in a.ts, but text that differs only in whitespace/indentation starts at line 2.',
    );
  });

  it('says when the file does not exist', async () => {
    const cwd = await createTempWorkspace();
    await expect(createUpdateFileTool({ cwd }).execute({ path: 'nope.ts', old_string: 'a', new_string: 'b' }, context)).rejects.toThrow(
      'No file at nope.ts. update_file edits existing files: use write_file to create it',
    );
    expect(await readdir(cwd)).toEqual([]);
  });

  it('refuses an edit that changes nothing', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': source });
    await expect(
      createUpdateFileTool({ cwd }).execute({ path: 'a.ts', old_string: 'greet', new_string: 'greet' }, context),
    ).rejects.toThrow('old_string and new_string are identical');
  });

  it('matches LF snippets in a CRLF file and writes CRLF', async () => {
    const cwd = await createTempWorkspace({ 'win.txt': 'one\r\ntwo\r\nthree\r\n' });
    const tool = createUpdateFileTool({ cwd });
    const input = { path: 'win.txt', old_string: 'one\ntwo', new_string: 'one\n2a\n2b' };
    const preview = await tool.preview!(input);
    expect(preview.type === 'diff' && preview.diff).toBe(
      '--- a/win.txt\n+++ b/win.txt\n@@ -1,3 +1,4 @@\n one\n-two\n+2a\n+2b\n three\n',
    );
    await tool.execute(input, context);
    expect(await readFile(path.join(cwd, 'win.txt'), 'utf8')).toBe('one\r\n2a\r\n2b\r\nthree\r\n');
  });

  it('keeps the file mode', async () => {
    const cwd = await createTempWorkspace({ 'run.sh': 'echo old\n' });
    await chmod(path.join(cwd, 'run.sh'), 0o700);
    await createUpdateFileTool({ cwd }).execute({ path: 'run.sh', old_string: 'old', new_string: 'new' }, context);
    expect((await stat(path.join(cwd, 'run.sh'))).mode & 0o7777).toBe(0o700);
    expect(await readFile(path.join(cwd, 'run.sh'), 'utf8')).toBe('echo new\n');
  });

  it('inserts replacement patterns like $& literally', async () => {
    const { read } = await update({ 'a.txt': 'price\n' }, { path: 'a.txt', old_string: 'price', new_string: "$& costs $1 and $'" });
    expect(await read('a.txt')).toBe("$& costs $1 and $'\n");
  });

  it('refuses paths outside the workspace and leaves them untouched', async () => {
    const outside = await createTempWorkspace({ 'secret.txt': 'keep\n' });
    const cwd = await createTempWorkspace();
    const requested = path.relative(cwd, path.join(outside, 'secret.txt'));
    await expect(
      createUpdateFileTool({ cwd }).execute({ path: requested, old_string: 'keep', new_string: 'gone' }, context),
    ).rejects.toThrow('outside the workspace');
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('keep\n');
  });

  it('describes the call by path and snippet line counts', async () => {
    const cwd = await createTempWorkspace();
    const tool = createUpdateFileTool({ cwd });
    expect(tool.describe({ path: 'src/app.ts', old_string: 'a\n', new_string: 'b\nc\nd\n' })).toBe('src/app.ts (+3 -1)');
  });
});

describe('update_file on big results', () => {
  it('refuses a replace_all whose result would pass 10 MiB before building it, in preview and execute alike', async () => {
    // 3 MiB of short lines; each "a" becoming 100 characters would make about 150 MiB.
    const big = 'ab\n'.repeat(1024 * 1024);
    const cwd = await createTempWorkspace({ 'big.txt': big });
    const tool = createUpdateFileTool({ cwd });
    const input = { path: 'big.txt', old_string: 'a', new_string: 'x'.repeat(100), replace_all: true };
    const heapBefore = process.memoryUsage().heapUsed;
    await expect(tool.preview!(input)).rejects.toThrow(
      /^Replacing 1048576 occurrences would make big\.txt 102 MiB, over the 10 MiB limit of the write tools; nothing was changed\. Replace fewer occurrences/,
    );
    await expect(tool.execute(input, context)).rejects.toThrow(/use bash \(e\.g\. sed\)/);
    // Building the result would have cost hundreds of MB; refusing it costs the file and its match list.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(80 * 1024 * 1024);
    expect(await readFile(path.join(cwd, 'big.txt'), 'utf8')).toBe(big);
  });

  it('shows a note instead of a diff for an edit of a multi-megabyte file', async () => {
    const big = 'line\n'.repeat(600 * 1024);
    const cwd = await createTempWorkspace({ 'big.txt': `first\n${big}` });
    const preview = await createUpdateFileTool({ cwd }).preview!({ path: 'big.txt', old_string: 'first', new_string: 'second' });
    expect(preview).toMatchObject({ type: 'diff', path: 'big.txt', isNewFile: false, diff: '--- a/big.txt\n+++ b/big.txt\n\\ Too large to show as a diff (2.9 MiB before, 2.9 MiB after).\n' });
  });
});
