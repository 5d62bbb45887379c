import { chmod, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWriteJournal } from '../../../src/tools';
import { createUpdateFileTool } from '../../../src/tools/update-file';
import { createWriteFileTool } from '../../../src/tools/write-file';
import { resolveToolPath } from '../../../src/workspace/tool-path';
import { createTempWorkspace } from '../../helpers/temp-workspace';
import { createToolSession } from '../tool-session';

const text = async (session: { read(relative: string): Promise<Buffer> }, relative: string) => (await session.read(relative)).toString();
const modeOf = async (absolute: string) => (await stat(absolute)).mode & 0o7777;

describe('undo journal', () => {
  it('restores the contents and mode of every file of the last batch and removes the files it created', async () => {
    const session = await createToolSession({ 'a.sh': 'echo a\n', 'b.txt': 'b0\n' });
    await chmod(session.path('a.sh'), 0o751);
    await chmod(session.path('b.txt'), 0o640);
    await session.run('update_file', { path: 'a.sh', old_string: 'echo a', new_string: 'echo A' });
    await session.run('update_file', { path: 'b.txt', old_string: 'b0', new_string: 'b1' });
    await session.run('write_file', { path: 'new/deep/c.ts', content: 'created\n' });
    await session.run('update_file', { path: 'b.txt', old_string: 'b1', new_string: 'b2' });

    expect(session.journal.nextUndo()).toEqual({
      batchId: 'main:1',
      restore: ['b.txt', 'a.sh'],
      remove: ['new/deep/c.ts'],
      description:
        'Undo the last edit: restore 2 files (b.txt, a.sh) and delete 1 file it created (new/deep/c.ts). ' +
        'Only file edits are undone, not commands run with bash.',
    });
    const result = await session.journal.undoLastBatch();
    expect(result).toEqual({ restored: ['b.txt', 'a.sh'], removed: ['new/deep/c.ts'], skipped: [] });
    expect(await text(session, 'a.sh')).toBe('echo a\n');
    expect(await text(session, 'b.txt')).toBe('b0\n');
    expect(await modeOf(session.path('a.sh'))).toBe(0o751);
    expect(await modeOf(session.path('b.txt'))).toBe(0o640);
    // The directories the write created go too; nothing is left behind, temp files included.
    expect((await readdir(session.cwd)).sort()).toEqual(['a.sh', 'b.txt']);
    expect(session.journal.canUndo).toBe(false);
    expect(await session.journal.undoLastBatch()).toBeUndefined();
  });

  it('skips a file the user edited after shoal wrote it, and restores the others', async () => {
    const session = await createToolSession({ 'a.txt': 'a0\n', 'b.txt': 'b0\n' });
    await session.run('write_file', { path: 'a.txt', content: 'a1\n' });
    await session.run('write_file', { path: 'b.txt', content: 'b1\n' });
    await session.run('write_file', { path: 'c.txt', content: 'c1\n' });
    await writeFile(session.path('b.txt'), 'b1 + user\n');
    await rm(session.path('c.txt'));

    expect(await session.journal.undoLastBatch()).toEqual({
      restored: ['a.txt'],
      removed: [],
      skipped: [
        { path: 'c.txt', reason: 'it was deleted after shoal wrote it' },
        { path: 'b.txt', reason: 'it changed after shoal wrote it (edited since); left as it is' },
      ],
    });
    expect(await text(session, 'a.txt')).toBe('a0\n');
    expect(await text(session, 'b.txt')).toBe('b1 + user\n');
  });

  it('never waits on a FIFO a command put where a written file was: undo and /diff skip it with a reason', async () => {
    const { execFileSync } = await import('node:child_process');
    const { sessionDiff } = await import('../../../src/tools/edit/session-diff');
    const session = await createToolSession({ 'a.txt': 'a0\n' });
    await session.run('write_file', { path: 'a.txt', content: 'a1\n' });
    await rm(session.path('a.txt'));
    execFileSync('mkfifo', [session.path('a.txt')]);
    const started = performance.now();
    expect((await sessionDiff(session.journal)).notes).toEqual(['a.txt: cannot be read now (it is a FIFO, not a regular file)']);
    expect(await session.journal.undoLastBatch()).toMatchObject({
      restored: [],
      skipped: [{ path: 'a.txt', reason: 'it is no longer a file shoal can read back (it is a FIFO, not a regular file)' }],
    });
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('goes one batch further back on each undo', async () => {
    const session = await createToolSession({ 'a.txt': 'v0\n' });
    await session.run('write_file', { path: 'a.txt', content: 'v1\n' }, 'main:1');
    await session.run('write_file', { path: 'a.txt', content: 'v2\n' }, 'main:2');
    await session.run('write_file', { path: 'b.txt', content: 'new\n' }, 'main:2');

    expect(await session.journal.undoLastBatch()).toEqual({ restored: ['a.txt'], removed: ['b.txt'], skipped: [] });
    expect(await text(session, 'a.txt')).toBe('v1\n');
    expect(session.journal.nextUndo()?.description).toBe(
      'Undo the last edit: restore 1 file (a.txt). Only file edits are undone, not commands run with bash.',
    );
    expect(await session.journal.undoLastBatch()).toEqual({ restored: ['a.txt'], removed: [], skipped: [] });
    expect(await text(session, 'a.txt')).toBe('v0\n');
    expect(await readdir(session.cwd)).toEqual(['a.txt']);
    expect(session.journal.canUndo).toBe(false);
  });

  it('makes the model read an undone file again before editing it', async () => {
    const session = await createToolSession({ 'a.txt': 'v0\n' });
    await session.run('update_file', { path: 'a.txt', old_string: 'v0', new_string: 'v1' });
    await session.journal.undoLastBatch();
    await expect(session.run('update_file', { path: 'a.txt', old_string: 'v1', new_string: 'v2' }, 'main:2')).rejects.toThrow(
      /changed on disk since you last read it/,
    );
    await session.run('read_file', { path: 'a.txt' });
    await session.run('update_file', { path: 'a.txt', old_string: 'v0', new_string: 'v2' }, 'main:2');
    expect(await text(session, 'a.txt')).toBe('v2\n');
  });

  it('records nothing for a refused or unchanged write', async () => {
    const session = await createToolSession({ 'a.txt': 'same\n' });
    await session.run('write_file', { path: 'a.txt', content: 'same\n' });
    await expect(session.run('update_file', { path: 'a.txt', old_string: 'missing', new_string: 'x' })).rejects.toThrow();
    expect(session.journal.canUndo).toBe(false);
  });

  it('starts a new batch after endBatch even when the batch id repeats', async () => {
    const session = await createToolSession({ 'a.txt': 'v0\n' });
    await session.run('write_file', { path: 'a.txt', content: 'v1\n' }, 'main:1');
    session.journal.endBatch();
    await session.run('write_file', { path: 'a.txt', content: 'v2\n' }, 'main:1');
    await session.journal.undoLastBatch();
    expect(await text(session, 'a.txt')).toBe('v1\n');
  });

  it('keeps at most maxBatches batches, dropping the oldest', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'v0\n' });
    const journal = createWriteJournal({ maxBatches: 2 });
    const tool = createWriteFileTool({ cwd, journal });
    for (const version of [1, 2, 3]) {
      const context = { signal: new AbortController().signal, toolCallId: `c${version}`, batchId: `main:${version}`, emit: () => {} };
      await tool.execute({ path: 'a.txt', content: `v${version}\n` }, context);
    }
    await journal.undoLastBatch();
    await journal.undoLastBatch();
    expect(journal.canUndo).toBe(false);
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('v1\n');
  });

  it('drops the oldest batches past maxBytes, and skips a file whose old contents alone do not fit', async () => {
    const cwd = await createTempWorkspace({ 'small.txt': 'x'.repeat(60), 'big.txt': 'y'.repeat(200) });
    const journal = createWriteJournal({ maxBytes: 100 });
    const tool = createUpdateFileTool({ cwd, journal });
    const context = (batchId: string) => ({ signal: new AbortController().signal, toolCallId: batchId, batchId, emit: () => {} });
    await tool.execute({ path: 'small.txt', old_string: 'x', new_string: 'a', replace_all: true }, context('main:1'));
    await tool.execute({ path: 'small.txt', old_string: 'a', new_string: 'b', replace_all: true }, context('main:2'));
    await tool.execute({ path: 'big.txt', old_string: 'y', new_string: 'z', replace_all: true }, context('main:2'));
    // Keeping main:2's 60 bytes of small.txt pushed out main:1's; big.txt's 200 bytes never fit.
    expect(await journal.undoLastBatch()).toEqual({
      restored: ['small.txt'],
      removed: [],
      skipped: [{ path: 'big.txt', reason: 'its earlier contents were too large to keep for undo' }],
    });
    expect(await readFile(path.join(cwd, 'small.txt'), 'utf8')).toBe('a'.repeat(60));
    expect(await readFile(path.join(cwd, 'big.txt'), 'utf8')).toBe('z'.repeat(200));
    expect(journal.canUndo).toBe(false);
  });

  it('refuses to restore through a path that now leads outside the workspace', async () => {
    const outside = await createTempWorkspace({ 'target.txt': 'outside\n' });
    const session = await createToolSession({ 'dir/a.txt': 'v0\n' });
    await session.run('write_file', { path: 'dir/a.txt', content: 'v1\n' });
    await rm(session.path('dir'), { recursive: true });
    await writeFile(path.join(outside, 'a.txt'), 'v1\n');
    await symlink(outside, session.path('dir'));
    expect(await session.journal.undoLastBatch()).toEqual({
      restored: [],
      removed: [],
      skipped: [{ path: 'dir/a.txt', reason: 'its path now leads somewhere else (a symlink changed)' }],
    });
    expect(await readFile(path.join(outside, 'a.txt'), 'utf8')).toBe('v1\n');
  });

  it('puts a deleted file back, leaves one recreated since alone, and has nothing to undo for a file created and deleted in one batch', async () => {
    const cwd = await createTempWorkspace({ 'gone.txt': 'old\n', 'back.txt': 'was here\n' });
    const journal = createWriteJournal();
    const target = async (relative: string) => resolveToolPath(cwd, relative);
    await rm(path.join(cwd, 'gone.txt'));
    await rm(path.join(cwd, 'back.txt'));
    journal.record({ batchId: 'main:1', target: await target('gone.txt'), before: { bytes: Buffer.from('old\n'), mode: 0o640 }, after: undefined });
    journal.record({ batchId: 'main:1', target: await target('back.txt'), before: { bytes: Buffer.from('was here\n'), mode: 0o644 }, after: undefined });
    journal.record({ batchId: 'main:1', target: await target('brief.txt'), before: undefined, after: Buffer.from('x\n') });
    journal.record({ batchId: 'main:1', target: await target('brief.txt'), before: undefined, after: undefined });
    await writeFile(path.join(cwd, 'back.txt'), 'recreated by the user\n');

    expect(journal.nextUndo()).toMatchObject({ restore: ['back.txt', 'gone.txt'], remove: [] });
    expect(await journal.undoLastBatch()).toEqual({
      restored: ['gone.txt'],
      removed: [],
      skipped: [{ path: 'back.txt', reason: 'it was created again after shoal deleted it' }],
    });
    expect(await readFile(path.join(cwd, 'gone.txt'), 'utf8')).toBe('old\n');
    expect(await modeOf(path.join(cwd, 'gone.txt'))).toBe(0o640);
    expect(await readFile(path.join(cwd, 'back.txt'), 'utf8')).toBe('recreated by the user\n');
  });
});
