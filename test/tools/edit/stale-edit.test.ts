import { createHash } from 'node:crypto';
import { utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createFileTracker, createReadOnlyTools } from '../../../src/tools';
import { createUpdateFileTool } from '../../../src/tools/update-file';
import { createToolSession } from '../tool-session';

const STALE = /a\.ts changed on disk since you last read it \(the user or a command may have edited it\), so nothing was written\. Read it again with read_file/;
const CHANGED = /a\.ts changed while waiting for approval \(its content changed\), so nothing was written/;
const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };
const edit = { path: 'a.ts', old_string: 'one', new_string: 'ONE' };

describe('stale-edit guard', () => {
  it('refuses update_file after the file changed between read and update, and leaves the edit in place', async () => {
    const session = await createToolSession({ 'a.ts': 'one\ntwo\n' });
    await session.run('read_file', { path: 'a.ts' });
    await writeFile(session.path('a.ts'), 'one\ntwo\nthree (user)\n');
    await expect(session.preview('update_file', edit)).rejects.toThrow(STALE);
    await expect(session.run('update_file', edit)).rejects.toThrow(STALE);
    expect((await session.read('a.ts')).toString()).toBe('one\ntwo\nthree (user)\n');
  });

  it('refuses in execute when the file changed while the user was deciding on the preview', async () => {
    const session = await createToolSession({ 'a.ts': 'one\ntwo\n' });
    await session.run('read_file', { path: 'a.ts' });
    await session.preview('update_file', edit);
    await writeFile(session.path('a.ts'), 'one\ntwo (user)\n');
    await expect(session.run('update_file', edit)).rejects.toThrow(STALE);
    expect((await session.read('a.ts')).toString()).toBe('one\ntwo (user)\n');
  });

  it('guards between preview and execute even for a file the model never read, through the approved preview', async () => {
    const session = await createToolSession({ 'a.ts': 'one\ntwo\n' });
    const approvedPreview = await session.preview('write_file', { path: 'a.ts', content: 'replaced\n' });
    await writeFile(session.path('a.ts'), 'one (user)\n');
    const tool = session.tools.get('write_file')!;
    await expect(tool.execute({ path: 'a.ts', content: 'replaced\n' }, { ...context, approvedPreview })).rejects.toThrow(CHANGED);
    expect((await session.read('a.ts')).toString()).toBe('one (user)\n');
  });

  it('allows the edit after the model reads the file again', async () => {
    const session = await createToolSession({ 'a.ts': 'one\ntwo\n' });
    await session.run('read_file', { path: 'a.ts' });
    await writeFile(session.path('a.ts'), 'one\ntwo (user)\n');
    await expect(session.run('update_file', edit)).rejects.toThrow(STALE);
    await session.run('read_file', { path: 'a.ts', offset: 2, limit: 1 });
    await session.run('update_file', edit);
    expect((await session.read('a.ts')).toString()).toBe('ONE\ntwo (user)\n');
  });

  it("allows shoal's own successive edits without a re-read", async () => {
    const session = await createToolSession({ 'a.ts': 'one\ntwo\n' });
    await session.run('read_file', { path: 'a.ts' });
    await session.preview('update_file', edit);
    await session.run('update_file', edit);
    await session.preview('update_file', { path: 'a.ts', old_string: 'two', new_string: 'TWO' });
    await session.run('update_file', { path: 'a.ts', old_string: 'two', new_string: 'TWO' }, 'main:2');
    await session.run('write_file', { path: 'a.ts', content: 'whole\n' }, 'main:3');
    await session.run('update_file', { path: 'a.ts', old_string: 'whole', new_string: 'hole' }, 'main:4');
    expect((await session.read('a.ts')).toString()).toBe('hole\n');
  });

  it('refuses write_file overwriting a file changed since it was read, but creates new files freely', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    await session.run('read_file', { path: 'a.ts' });
    await writeFile(session.path('a.ts'), 'one (user)\n');
    await expect(session.run('write_file', { path: 'a.ts', content: 'mine\n' })).rejects.toThrow(STALE);
    expect((await session.read('a.ts')).toString()).toBe('one (user)\n');
    await session.run('write_file', { path: 'b.ts', content: 'new\n' });
    expect((await session.read('b.ts')).toString()).toBe('new\n');
  });

  it('lets a file never read be edited: the user sees the diff before approving', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    await writeFile(session.path('a.ts'), 'one\nuser line\n');
    await session.run('update_file', edit);
    expect((await session.read('a.ts')).toString()).toBe('ONE\nuser line\n');
  });

  it('compares contents, so a touch alone does not refuse', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    await session.run('read_file', { path: 'a.ts' });
    await utimes(session.path('a.ts'), new Date(), new Date(Date.now() + 60_000));
    await session.run('update_file', edit);
    expect((await session.read('a.ts')).toString()).toBe('ONE\n');
  });

  it('counts reads by research sub-agents, whose read-only tools share the tracker', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    const researchRead = createReadOnlyTools({ cwd: session.cwd, tracker: session.tracker }).find((tool) => tool.name === 'read_file')!;
    await researchRead.execute({ path: 'a.ts' }, context);
    await writeFile(session.path('a.ts'), 'one (user)\n');
    await expect(session.run('update_file', edit)).rejects.toThrow(STALE);
  });

  it('keeps createReadOnlyTools({ cwd }) working without a tracker', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    const tools = createReadOnlyTools({ cwd: session.cwd });
    expect(tools.map((tool) => tool.name)).toEqual(['read_file', 'list_dir', 'glob', 'grep']);
    expect((await tools[0]!.execute({ path: 'a.ts' }, context)).output).toBe('    1\tone');
  });

  it('guards a standalone write tool built without a tracker between its own preview and execute', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    const tool = createUpdateFileTool({ cwd: session.cwd });
    const approvedPreview = await tool.preview!(edit);
    await writeFile(session.path('a.ts'), 'one (user)\n');
    await expect(tool.execute(edit, { ...context, approvedPreview })).rejects.toThrow(CHANGED);
    expect((await session.read('a.ts')).toString()).toBe('one (user)\n');
  });
});

describe('FileTracker', () => {
  it('compares a range-read snapshot (no hash) by size and mtime', () => {
    const tracker = createFileTracker();
    tracker.record('/w/huge.log', { size: 10, mtimeMs: 1000 });
    const bytes = new Uint8Array(10);
    expect(tracker.hasChanged('/w/huge.log', { bytes, size: 10, mtimeMs: 1000 })).toBe(false);
    expect(tracker.hasChanged('/w/huge.log', { bytes, size: 10, mtimeMs: 2000 })).toBe(true);
    expect(tracker.hasChanged('/w/huge.log', { bytes: new Uint8Array(11), size: 11, mtimeMs: 1000 })).toBe(true);
    expect(tracker.hasChanged('/w/never-seen', { bytes, size: 10, mtimeMs: 1000 })).toBe(false);
  });

  it('records a hash of the whole file when read_file reads it', async () => {
    const session = await createToolSession({ 'a.ts': 'one\ntwo\n' });
    await session.run('read_file', { path: 'a.ts', offset: 2, limit: 1 });
    const sha1 = createHash('sha1').update('one\ntwo\n').digest('hex');
    expect(session.tracker.lastSeen(session.path('a.ts'))).toMatchObject({ size: 8, hash: sha1 });
  });
});

describe('cancellation', () => {
  it('writes nothing once the call is aborted', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    const aborted = { ...context, signal: AbortSignal.abort() };
    const tool = session.tools.get('update_file')!;
    await expect(tool.execute(edit, aborted)).rejects.toThrow('Cancelled before a.ts was written; nothing changed.');
    expect((await session.read('a.ts')).toString()).toBe('one\n');
    expect(session.journal.canUndo).toBe(false);
  });
});
