import { lstat, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { createToolSession } from './tool-session';

/** A workspace with escapes of every kind, and the directory outside they lead to. */
async function createFixture() {
  const outside = await createTempWorkspace({ 'secret.txt': 'secret\n', 'sub/inner.txt': 'secret inner\n' });
  const session = await createToolSession({ 'src/app.ts': 'export {};\n' });
  const root = session.cwd;
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-out.txt'));
  await symlink(outside, path.join(root, 'dir-out'));
  await symlink(path.join(outside, 'created-by-escape.txt'), path.join(root, 'dangling.txt'));
  await symlink(path.join(outside, 'missing-dir'), path.join(root, 'dangling-dir'));
  return { outside, session, root };
}

type Fixture = Awaited<ReturnType<typeof createFixture>>;

const OUTSIDE = /is outside the workspace \(.*\)\. Use a path relative to the workspace root\./;
const DANGLING = /goes through a symlink whose target does not exist; refusing to follow it\./;

/** Each escape as a file path and as a directory path (for the tools that list or search directories). */
const escapes: { name: string; file: (fixture: Fixture) => string; directory: (fixture: Fixture) => string; refusedWith: RegExp }[] = [
  {
    name: '".." escape',
    file: ({ outside }) => `../${path.basename(outside)}/secret.txt`,
    directory: ({ outside }) => `../${path.basename(outside)}`,
    refusedWith: OUTSIDE,
  },
  { name: 'absolute path outside', file: ({ outside }) => path.join(outside, 'secret.txt'), directory: ({ outside }) => outside, refusedWith: OUTSIDE },
  { name: 'symlinked file pointing outside', file: () => 'link-out.txt', directory: () => 'link-out.txt', refusedWith: OUTSIDE },
  { name: 'existing file through a symlinked directory', file: () => 'dir-out/secret.txt', directory: () => 'dir-out/sub', refusedWith: OUTSIDE },
  { name: 'new file through a symlinked directory', file: () => 'dir-out/new.txt', directory: () => 'dir-out/new-dir', refusedWith: OUTSIDE },
  { name: 'dangling symlink', file: () => 'dangling.txt', directory: () => 'dangling-dir', refusedWith: DANGLING },
];

/** Every tool that takes a path, with an input that would read, change or create something there. */
const tools: { name: string; takes: 'file' | 'directory'; isWrite: boolean; input: (requested: string) => object }[] = [
  { name: 'read_file', takes: 'file', isWrite: false, input: (requested) => ({ path: requested }) },
  { name: 'list_dir', takes: 'directory', isWrite: false, input: (requested) => ({ path: requested }) },
  { name: 'glob', takes: 'directory', isWrite: false, input: (requested) => ({ pattern: '**/*', path: requested }) },
  { name: 'grep', takes: 'file', isWrite: false, input: (requested) => ({ pattern: 'secret', path: requested }) },
  { name: 'grep', takes: 'directory', isWrite: false, input: (requested) => ({ pattern: 'secret', path: requested }) },
  { name: 'write_file', takes: 'file', isWrite: true, input: (requested) => ({ path: requested, content: 'pwned\n' }) },
  { name: 'update_file', takes: 'file', isWrite: true, input: (requested) => ({ path: requested, old_string: 'secret', new_string: 'pwned' }) },
];

const table = tools.flatMap((tool) => escapes.map((escape) => ({ ...escape, tool, label: `${tool.name} (${tool.takes}): ${escape.name}` })));

/** Every entry under `directory` with its bytes (files) or link target (symlinks), to compare before and after. */
async function snapshot(directory: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for (const name of await readdir(directory, { recursive: true })) {
    const absolute = path.join(directory, name);
    const stats = await lstat(absolute);
    if (stats.isSymbolicLink()) entries[name] = `-> ${await readlink(absolute)}`;
    else if (stats.isFile()) entries[name] = (await readFile(absolute)).toString('base64');
    else entries[name] = 'directory';
  }
  return entries;
}

describe('every path-taking tool refuses every workspace escape', () => {
  it.each(table)('$label', async ({ tool, file, directory, refusedWith }) => {
    const fixture = await createFixture();
    const requested = (tool.takes === 'file' ? file : directory)(fixture);
    const outsideBefore = await snapshot(fixture.outside);
    const insideBefore = await snapshot(fixture.root);
    const input = tool.input(requested);

    if (tool.isWrite) await expect(fixture.session.preview(tool.name, input)).rejects.toThrow(refusedWith);
    await expect(fixture.session.run(tool.name, input)).rejects.toThrow(refusedWith);

    expect(await snapshot(fixture.outside)).toEqual(outsideBefore);
    expect(await readFile(path.join(fixture.outside, 'secret.txt'), 'utf8')).toBe('secret\n');
    expect(await snapshot(fixture.root)).toEqual(insideBefore);
    expect(fixture.session.journal.canUndo).toBe(false);
  });

  it('covers every tool of the main registry that takes a path', async () => {
    const { session } = await createFixture();
    const withPath = [...session.tools.values()].filter((tool) => 'path' in ((tool.inputSchema as { shape?: object }).shape ?? {}));
    expect(withPath.map((tool) => tool.name).sort()).toEqual([...new Set(tools.map((tool) => tool.name))].sort());
  });

  it('still lets a write through an in-workspace symlinked directory', async () => {
    const { session, root } = await createFixture();
    await mkdir(path.join(root, 'real'));
    await symlink('real', path.join(root, 'alias'));
    await session.run('write_file', { path: 'alias/ok.txt', content: 'fine\n' });
    expect(await readFile(path.join(root, 'real', 'ok.txt'), 'utf8')).toBe('fine\n');
  });
});
