import { readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PreviewChangedError } from '../../../src/tools/edit/preview-binding';
import { createToolSession } from '../tool-session';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

/** Previews a call, lets `mutate` change the disk as if while the prompt waited, then executes with the approved preview. */
async function approveThenRun(
  session: Awaited<ReturnType<typeof createToolSession>>,
  name: string,
  input: unknown,
  mutate: () => Promise<void>,
): Promise<unknown> {
  const approvedPreview = await session.preview(name, input);
  await mutate();
  return session.tools.get(name)!.execute(input, { ...context, approvedPreview }).catch((error: unknown) => error);
}

describe('approval preview', () => {
  it('titles a write through a symlink by its real target and keeps the named path beside it', async () => {
    const session = await createToolSession({ 'src/auth.ts': 'export const secret = 1;\n', 'docs/.keep': '' });
    await symlink('../src/auth.ts', session.path('docs/notes.md'));
    const written = await session.preview('write_file', { path: 'docs/notes.md', content: 'notes\n' });
    expect(written).toMatchObject({ type: 'diff', path: 'src/auth.ts', requestedPath: 'docs/notes.md', isNewFile: false });
    const updated = await session.preview('update_file', { path: 'docs/notes.md', old_string: 'secret', new_string: 'open' });
    expect(updated).toMatchObject({ path: 'src/auth.ts', requestedPath: 'docs/notes.md' });
    expect(await session.preview('write_file', { path: 'src/auth.ts', content: 'x\n' })).not.toHaveProperty('requestedPath');
  });

  it('says why a protected path always asks, also when a symlink leads there', async () => {
    const session = await createToolSession({ '.git/config': '[core]\n', 'src/a.ts': 'a\n' });
    await symlink('.git/config', session.path('notes.md'));
    const direct = await session.preview('write_file', { path: '.git/config', content: '[core]\n\tfsmonitor = ./x\n' });
    expect(direct).toMatchObject({ path: '.git/config', protectedReason: expect.stringMatching(/core\.fsmonitor/) });
    const linked = await session.preview('update_file', { path: 'notes.md', old_string: '[core]', new_string: '[core]\n\tfsmonitor = ./x' });
    expect(linked).toMatchObject({ path: '.git/config', requestedPath: 'notes.md', protectedReason: expect.any(String) });
    expect(await session.preview('write_file', { path: 'src/a.ts', content: 'b\n' })).not.toHaveProperty('protectedReason');
  });
});

describe('preview binding', () => {
  it('refuses an overwrite when the content was swapped while the prompt waited', async () => {
    const session = await createToolSession({ 'a.ts': 'seen\n' });
    const error = await approveThenRun(session, 'write_file', { path: 'a.ts', content: 'mine\n' }, () => writeFile(session.path('a.ts'), 'swapped\n'));
    expect(error).toBeInstanceOf(PreviewChangedError);
    expect((error as Error).message).toMatch(/a\.ts changed while waiting for approval \(its content changed\), so nothing was written/);
    expect(await readFile(session.path('a.ts'), 'utf8')).toBe('swapped\n');
  });

  it('refuses a write when the target became a symlink to another file', async () => {
    const session = await createToolSession({ 'notes.md': 'seen\n', 'src/auth.ts': 'secret\n' });
    const error = await approveThenRun(session, 'write_file', { path: 'notes.md', content: 'mine\n' }, async () => {
      await rm(session.path('notes.md'));
      await symlink('src/auth.ts', session.path('notes.md'));
    });
    expect((error as Error).message).toMatch(/it now leads to src\/auth\.ts/);
    expect(await readFile(session.path('src/auth.ts'), 'utf8')).toBe('secret\n');
  });

  it('refuses to create a file that appeared while the prompt waited', async () => {
    const session = await createToolSession();
    const error = await approveThenRun(session, 'write_file', { path: 'new.ts', content: 'mine\n' }, () => writeFile(session.path('new.ts'), 'theirs\n'));
    expect((error as Error).message).toMatch(/\(it was created\)/);
    expect(await readFile(session.path('new.ts'), 'utf8')).toBe('theirs\n');
  });

  it('refuses an update when the file was deleted or swapped, before matching old_string', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n', 'b.ts': 'one\n' });
    const edit = (file: string) => ({ path: file, old_string: 'one', new_string: 'ONE' });
    const deleted = await approveThenRun(session, 'update_file', edit('a.ts'), () => rm(session.path('a.ts')));
    expect((deleted as Error).message).toMatch(/\(it was deleted\)/);
    const swapped = await approveThenRun(session, 'update_file', edit('b.ts'), () => writeFile(session.path('b.ts'), 'two\n'));
    expect(swapped).toBeInstanceOf(PreviewChangedError);
    expect(await readFile(session.path('b.ts'), 'utf8')).toBe('two\n');
  });

  it('writes when nothing changed, and a touch alone is no change', async () => {
    const session = await createToolSession({ 'a.ts': 'one\n' });
    const result = await approveThenRun(session, 'update_file', { path: 'a.ts', old_string: 'one', new_string: 'ONE' }, () =>
      utimes(session.path('a.ts'), new Date(), new Date(Date.now() + 60_000)),
    );
    expect(result).toMatchObject({ summary: '+1 -1' });
    expect(await readFile(session.path('a.ts'), 'utf8')).toBe('ONE\n');
  });

  it('refuses when a parent folder was replaced by a symlink elsewhere in the workspace', async () => {
    const session = await createToolSession({ 'docs/a.md': 'seen\n', 'other/a.md': 'other\n' });
    const error = await approveThenRun(session, 'write_file', { path: 'docs/a.md', content: 'mine\n' }, async () => {
      await rm(session.path('docs'), { recursive: true });
      await symlink('other', session.path('docs'));
    });
    expect((error as Error).message).toMatch(/it now leads to other\/a\.md/);
    expect(await readFile(session.path('other/a.md'), 'utf8')).toBe('other\n');
  });
});
