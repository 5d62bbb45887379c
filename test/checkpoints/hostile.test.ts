import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSkipped } from '../../src/checkpoints';
import { snapshotTree, userGit } from '../helpers/file-tree';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { createCheckpointFixture, must, shadowGit } from './checkpoint-fixture';

const exists = (file: string | Buffer) => stat(file).then(() => true, () => false);
const storedPaths = (gitDir: string, id: string) => shadowGit(gitDir, ['ls-tree', '-r', '-z', '--name-only', id]).split('\0').filter(Boolean);

describe('checkpoints in a hostile repository', () => {
  it('stores a symlink out of the workspace as a link, and never writes through one on restore', async () => {
    const outside = await createTempWorkspace({ 'secret.txt': 'outside\n' });
    const { workspace, store } = await createCheckpointFixture({ 'sub/f.txt': 'inside\n' });
    await symlink(outside, path.join(workspace, 'out'));
    await symlink(path.join(outside, 'secret.txt'), path.join(workspace, 'secret-link'));
    const outsideBefore = await snapshotTree(outside, { withTimes: true });
    const before = await snapshotTree(workspace);
    const { checkpoint } = must(await store.take('turn 1'));
    expect(storedPaths(store.gitDir, checkpoint.id)).toEqual(['out', 'secret-link', 'sub/f.txt']);

    // The agent turns the links into real files and a folder into a link out of the workspace.
    await rm(path.join(workspace, 'out'));
    await mkdir(path.join(workspace, 'out'));
    await writeFile(path.join(workspace, 'out/secret.txt'), 'shadowing\n');
    await rm(path.join(workspace, 'secret-link'));
    await writeFile(path.join(workspace, 'secret-link'), 'a file now\n');
    await rm(path.join(workspace, 'sub'), { recursive: true });
    await symlink(outside, path.join(workspace, 'sub'));

    must(await store.take('turn 2'));
    must(await store.restore(checkpoint));
    expect(await snapshotTree(workspace)).toEqual(before);
    expect(await readlink(path.join(workspace, 'out'))).toBe(outside);
    expect(await snapshotTree(outside, { withTimes: true })).toEqual(outsideBefore);
  });

  it('round-trips names with newlines, escape sequences, glob and pathspec characters, and bytes that are not UTF-8', async () => {
    const names = ['line\nbreak.txt', '\u001b[31mred\u001b[0m.txt', 'tab\there', '-rf', '*?[ab].txt', ':(exclude)magic', 'back\\slash', 'trailing space ', 'ünïcödé.md', '"quoted"'];
    const { workspace, store } = await createCheckpointFixture(Object.fromEntries(names.map((name) => [`dir/${name}`, `${name}\n`])));
    const notUtf8 = Buffer.concat([Buffer.from(`${workspace}/dir/`), Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e])]);
    await writeFile(notUtf8, 'latin1 name\n');
    const before = await snapshotTree(workspace);
    const { checkpoint } = must(await store.take('turn 1'));
    expect(storedPaths(store.gitDir, checkpoint.id)).toHaveLength(names.length + 1);

    for (const name of names.slice(0, 5)) await rm(path.join(workspace, 'dir', name));
    for (const name of names.slice(5)) await writeFile(path.join(workspace, 'dir', name), 'changed\n');
    await rm(notUtf8);
    await writeFile(path.join(workspace, 'dir', 'new\nfile'), 'new\n');
    const changes = must(await store.changedSince(checkpoint)).changes;
    expect(changes.deleted).toContain('dir/line\nbreak.txt');
    expect(changes.deleted).toContain('dir/f\ufffd\ufffd.bin');
    expect(changes.added).toEqual(['dir/new\nfile']);

    must(await store.restore(checkpoint));
    expect(await snapshotTree(workspace)).toEqual(before);
  });

  it('names a too-large file with escapes, never raw control characters', async () => {
    const { store } = await createCheckpointFixture({ 'evil\u001b]0;title\u0007.bin': Buffer.alloc(100) }, { maxFileBytes: 10 });
    const { checkpoint } = must(await store.take('turn 1'));
    expect(describeSkipped(checkpoint.skipped, 10)).toBe('Checkpoints leave out 1 file over 10 bytes (evil\\x1b]0;title\\x07.bin).');
  });

  it('works with a .gitignore that ignores everything, and then touches nothing', async () => {
    const { workspace, store } = await createCheckpointFixture({ '.gitignore': '*\n', 'a.txt': 'a\n', 'src/b.ts': 'b\n' });
    const { checkpoint } = must(await store.take('turn 1'));
    expect(storedPaths(store.gitDir, checkpoint.id)).toEqual([]);
    await writeFile(path.join(workspace, 'a.txt'), 'changed\n');
    await writeFile(path.join(workspace, 'c.txt'), 'new\n');
    const before = await snapshotTree(workspace);
    expect(must(await store.restore(checkpoint))).toMatchObject({ restored: [], removed: [], failed: [] });
    expect(await snapshotTree(workspace)).toEqual(before);
  });

  it('keeps bytes exactly whatever .gitattributes asks, and runs no filter the repository names', async () => {
    const home = await createTempWorkspace();
    const marker = path.join(home, 'filter-ran');
    const { workspace, store } = await createCheckpointFixture({
      '.gitattributes': '* text=auto eol=crlf\n*.txt filter=lfs ident\n*.utf16 working-tree-encoding=UTF-16\n*.sh filter=evil\n',
      'crlf.txt': 'one\r\ntwo\r\n',
      'lf.md': 'one\ntwo\n',
      'id.txt': '$Id$\n',
      'wide.utf16': Buffer.from('\ufeffhi\n', 'utf16le'),
      'run.sh': 'echo run\n',
    });
    // A filter driver in the workspace's own .git/config is the user's repository's, never the store's.
    userGit(workspace, home, ['init', '-q']);
    await writeFile(path.join(workspace, '.git', 'config'), `[filter "evil"]\n\tclean = touch ${marker}\n\tsmudge = touch ${marker}\n\trequired = true\n`, { flag: 'a' });
    const before = await snapshotTree(workspace, { skip: (file) => file === '.git' });
    const { checkpoint } = must(await store.take('turn 1'));
    for (const file of ['crlf.txt', 'lf.md', 'id.txt', 'wide.utf16', 'run.sh']) await writeFile(path.join(workspace, file), 'overwritten\n');
    must(await store.restore(checkpoint));
    expect(await snapshotTree(workspace, { skip: (file) => file === '.git' })).toEqual(before);
    expect(await exists(marker)).toBe(false);
  });

  it('leaves nested repositories out, names them, and never touches them on restore', async () => {
    const home = await createTempWorkspace();
    const { workspace, store } = await createCheckpointFixture({ 'a.txt': 'a\n', 'vendor/lib/lib.ts': 'lib\n' });
    userGit(path.join(workspace, 'vendor/lib'), home, ['init', '-q']);
    const { checkpoint } = must(await store.take('turn 1'));
    expect(checkpoint.skipped).toEqual([{ path: 'vendor/lib', reason: 'nested-repository' }]);
    expect(describeSkipped(checkpoint.skipped, 10 * 1024 * 1024)).toBe('Checkpoints leave out 1 nested repository (vendor/lib).');
    expect(storedPaths(store.gitDir, checkpoint.id)).toEqual(['a.txt']);

    await writeFile(path.join(workspace, 'vendor/lib/lib.ts'), 'changed by a build\n');
    await writeFile(path.join(workspace, 'vendor/lib/new.ts'), 'new\n');
    must(await store.restore(checkpoint));
    expect(await readFile(path.join(workspace, 'vendor/lib/lib.ts'), 'utf8')).toBe('changed by a build\n');
    expect(await exists(path.join(workspace, 'vendor/lib/new.ts'))).toBe(true);
    expect(await exists(path.join(workspace, 'vendor/lib/.git/HEAD'))).toBe(true);
  });

  it('never captures a .git file or folder, at the root or below it', async () => {
    const { workspace, store } = await createCheckpointFixture({ '.git': 'gitdir: /nowhere\n', 'sub/.git': 'gitdir: /nowhere/either\n', 'sub/a.txt': 'a\n' });
    const { checkpoint } = must(await store.take('turn 1'));
    expect(storedPaths(store.gitDir, checkpoint.id)).toEqual(['sub/a.txt']);
    await rm(path.join(workspace, 'sub/a.txt'));
    must(await store.restore(checkpoint));
    expect(await readFile(path.join(workspace, '.git'), 'utf8')).toBe('gitdir: /nowhere\n');
    expect(await readFile(path.join(workspace, 'sub/.git'), 'utf8')).toBe('gitdir: /nowhere/either\n');
  });

  it('skips a FIFO without waiting on it, and does not stall on a file it may not read', async () => {
    const { workspace, store } = await createCheckpointFixture({ 'a.txt': 'a\n', 'locked.txt': 'locked\n' });
    execFileSync('mkfifo', [path.join(workspace, 'pipe')]);
    await chmod(path.join(workspace, 'locked.txt'), 0o000);
    const { checkpoint } = must(await store.take('turn 1'));
    // Root reads anything: only another user sees locked.txt left out.
    const expected = process.getuid?.() === 0 ? ['a.txt', 'locked.txt'] : ['a.txt'];
    expect(storedPaths(store.gitDir, checkpoint.id)).toEqual(expected);
    await chmod(path.join(workspace, 'locked.txt'), 0o644);
    expect((await stat(path.join(workspace, 'pipe'))).isFIFO()).toBe(true);
  });

  it('never stores itself when the state folder is inside the workspace', async () => {
    const { workspace, reopen } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    const store = reopen({ stateDir: path.join(workspace, '.state') });
    const { checkpoint } = must(await store.take('turn 1'));
    expect(storedPaths(store.gitDir, checkpoint.id)).toEqual(['a.txt']);
    must(await store.take('turn 2'));
  });
});
