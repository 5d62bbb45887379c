import { appendFile, chmod, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSkipped } from '../../src/checkpoints';
import { snapshotTree } from '../helpers/file-tree';
import { createCheckpointFixture, must, shadowGit, shell } from './checkpoint-fixture';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));

describe('checkpoint store', () => {
  it('puts a changed tree back byte for byte, modes and symlinks included', async () => {
    const { workspace, store } = await createCheckpointFixture({
      'a.txt': 'alpha\n',
      'src/b.ts': 'export const b = 1;\n',
      'src/deep/c.ts': 'c\n',
      'run.sh': '#!/bin/sh\necho run\n',
      'docs/readme.md': 'Hello world\r\nsecond line\r\n',
      'data.bin': ALL_BYTES,
    });
    await chmod(path.join(workspace, 'run.sh'), 0o755);
    await symlink('src/b.ts', path.join(workspace, 'link-to-b'));
    const before = await snapshotTree(workspace);
    const { checkpoint } = must(await store.take('turn 1'));
    expect(checkpoint).toMatchObject({ sessionId: 'session-1', number: 1, label: 'turn 1', skipped: [] });

    await writeFile(path.join(workspace, 'new.txt'), 'created\n');
    await mkdir(path.join(workspace, 'fresh/nested'), { recursive: true });
    await writeFile(path.join(workspace, 'fresh/nested/x.ts'), 'x\n');
    await rm(path.join(workspace, 'src/b.ts'));
    await rm(path.join(workspace, 'src/deep'), { recursive: true });
    await appendFile(path.join(workspace, 'a.txt'), 'appended\n');
    shell(workspace, "sed -i 's/world/there/' docs/readme.md && printf '\\001' >> data.bin");
    await chmod(path.join(workspace, 'run.sh'), 0o644);
    await rm(path.join(workspace, 'link-to-b'));
    await writeFile(path.join(workspace, 'link-to-b'), 'now a file\n');

    expect(must(await store.changedSince(checkpoint)).changes).toEqual({
      added: ['fresh/nested/x.ts', 'new.txt'],
      deleted: ['src/b.ts', 'src/deep/c.ts'],
      modified: ['a.txt', 'data.bin', 'docs/readme.md', 'link-to-b', 'run.sh'],
      unchecked: [],
    });
    const report = must(await store.restore(checkpoint));
    expect(report).toMatchObject({
      restored: ['a.txt', 'data.bin', 'docs/readme.md', 'link-to-b', 'run.sh', 'src/b.ts', 'src/deep/c.ts'],
      removed: ['fresh/nested/x.ts', 'new.txt'],
      kept: [],
      failed: [],
    });
    expect(await snapshotTree(workspace)).toEqual(before);
    expect(must(await store.changedSince(checkpoint)).changes).toEqual({ added: [], deleted: [], modified: [], unchecked: [] });
  });

  it('never touches ignored files, and leaves them out of the checkpoint', async () => {
    const { workspace, store } = await createCheckpointFixture({
      '.gitignore': '*.log\nbuild/\n',
      'app.ts': 'app\n',
      'app.log': 'log at checkpoint\n',
      'build/out.js': 'built at checkpoint\n',
    });
    const { checkpoint } = must(await store.take('turn 1'));
    await writeFile(path.join(workspace, 'app.log'), 'log later\n');
    await writeFile(path.join(workspace, 'build/new.js'), 'built later\n');
    await writeFile(path.join(workspace, 'other.log'), 'new log\n');
    await writeFile(path.join(workspace, 'app.ts'), 'changed\n');

    expect(must(await store.changedSince(checkpoint)).changes.modified).toEqual(['app.ts']);
    must(await store.restore(checkpoint));
    expect(await readFile(path.join(workspace, 'app.ts'), 'utf8')).toBe('app\n');
    expect(await readFile(path.join(workspace, 'app.log'), 'utf8')).toBe('log later\n');
    expect(await readFile(path.join(workspace, 'build/new.js'), 'utf8')).toBe('built later\n');
    expect(await readFile(path.join(workspace, 'other.log'), 'utf8')).toBe('new log\n');
    expect(await readFile(path.join(workspace, 'build/out.js'), 'utf8')).toBe('built at checkpoint\n');
  });

  it('drops files from later checkpoints once a .gitignore ignores them', async () => {
    const { workspace, store } = await createCheckpointFixture({ 'dist/app.js': 'bundle\n', 'src/app.ts': 'app\n' });
    must(await store.take('turn 1'));
    await writeFile(path.join(workspace, '.gitignore'), 'dist/\n');
    const { checkpoint } = must(await store.take('turn 2'));
    await writeFile(path.join(workspace, 'dist/app.js'), 'rebuilt\n');
    must(await store.restore(checkpoint));
    expect(await readFile(path.join(workspace, 'dist/app.js'), 'utf8')).toBe('rebuilt\n');
  });

  it('leaves out files over the size cap, names them, and never reverts or deletes them', async () => {
    const { workspace, store } = await createCheckpointFixture(
      { 'big.bin': Buffer.alloc(2000, 1), 'small.txt': 'small\n', 'grows.txt': 'g'.repeat(500) },
      { maxFileBytes: 1000 },
    );
    const { checkpoint } = must(await store.take('turn 1'));
    expect(checkpoint.skipped).toEqual([{ path: 'big.bin', reason: 'too-large', bytes: 2000 }]);
    expect(describeSkipped(checkpoint.skipped, 1000)).toBe('Checkpoints leave out 1 file over 1000 bytes (big.bin).');

    await writeFile(path.join(workspace, 'big.bin'), Buffer.alloc(3000, 2));
    await writeFile(path.join(workspace, 'big-new.bin'), Buffer.alloc(4000, 3));
    await writeFile(path.join(workspace, 'grows.txt'), 'g'.repeat(5000));
    const second = must(await store.take('turn 2')).checkpoint;
    expect(second.skipped.map((file) => file.path)).toEqual(['big-new.bin', 'big.bin', 'grows.txt']);
    expect(must(await store.changedSince(checkpoint)).changes).toEqual({ added: ['big-new.bin'], deleted: [], modified: ['grows.txt'], unchecked: ['big.bin'] });

    const report = must(await store.restore(checkpoint));
    expect(report.restored).toEqual(['grows.txt']);
    expect(await readFile(path.join(workspace, 'grows.txt'), 'utf8')).toBe('g'.repeat(500));
    expect(await readFile(path.join(workspace, 'big.bin'))).toEqual(Buffer.alloc(3000, 2));
    expect(await readFile(path.join(workspace, 'big-new.bin'))).toEqual(Buffer.alloc(4000, 3));

    // A file too large at the checkpoint and small now was there then: restoring keeps it rather than deleting it.
    await writeFile(path.join(workspace, 'big.bin'), 'small now\n');
    expect(must(await store.restore(checkpoint)).kept).toEqual(['big.bin']);
    expect(await readFile(path.join(workspace, 'big.bin'), 'utf8')).toBe('small now\n');
  });

  it('never deletes what it does not hold to make room for a file it restores', async () => {
    const { workspace, store } = await createCheckpointFixture({ '.gitignore': '*.log\n', 'logs': 'a file at first\n', 'cfg/x.txt': 'x\n', 'ok.txt': 'ok\n' }, { maxFileBytes: 1000 });
    const { checkpoint } = must(await store.take('turn 1'));
    await rm(path.join(workspace, 'logs'));
    await mkdir(path.join(workspace, 'logs'));
    await writeFile(path.join(workspace, 'logs/today.log'), 'ignored\n');
    await rm(path.join(workspace, 'cfg'), { recursive: true });
    await writeFile(path.join(workspace, 'cfg'), Buffer.alloc(5000));
    await writeFile(path.join(workspace, 'ok.txt'), 'changed\n');

    const report = must(await store.restore(checkpoint));
    expect(report.restored).toEqual(['ok.txt']);
    expect(report.failed).toEqual([
      { path: 'cfg/x.txt', reason: 'cfg is in the way: a file or symlink the checkpoints do not hold' },
      { path: 'logs', reason: 'a folder is in the way, holding files the checkpoints do not hold' },
    ]);
    expect(await readFile(path.join(workspace, 'logs/today.log'), 'utf8')).toBe('ignored\n');
    expect((await stat(path.join(workspace, 'cfg'))).size).toBe(5000);
    expect(await readFile(path.join(workspace, 'ok.txt'), 'utf8')).toBe('ok\n');
  });

  it('keeps a private file private: only the executable bit comes from the checkpoint', async () => {
    const { workspace, store } = await createCheckpointFixture({ '.env': 'TOKEN=1\n', 'tool.sh': 'echo\n', 'made-executable.txt': 'x\n' });
    await chmod(path.join(workspace, '.env'), 0o600);
    await chmod(path.join(workspace, 'tool.sh'), 0o700);
    const { checkpoint } = must(await store.take('turn 1'));
    await writeFile(path.join(workspace, '.env'), 'TOKEN=2\n');
    await writeFile(path.join(workspace, 'tool.sh'), 'echo changed\n');
    await chmod(path.join(workspace, 'made-executable.txt'), 0o751);

    must(await store.restore(checkpoint));
    const modeOf = async (file: string) => (await stat(path.join(workspace, file))).mode & 0o777;
    expect(await readFile(path.join(workspace, '.env'), 'utf8')).toBe('TOKEN=1\n');
    expect(await modeOf('.env')).toBe(0o600);
    expect(await modeOf('tool.sh')).toBe(0o700);
    expect(await modeOf('made-executable.txt')).toBe(0o640);
  });

  it('hashes the workspace again when its index was damaged', async () => {
    const { workspace, store } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    const { checkpoint } = must(await store.take('turn 1'));
    await writeFile(path.join(store.gitDir, 'shoal-index', 'session-1'), 'not an index at all');
    await writeFile(path.join(workspace, 'a.txt'), 'changed\n');
    expect(must(await store.take('turn 2')).checkpoint.number).toBe(2);
    must(await store.restore(checkpoint));
    expect(await readFile(path.join(workspace, 'a.txt'), 'utf8')).toBe('a\n');
  });

  it('restores only the paths asked for', async () => {
    const { workspace, store } = await createCheckpointFixture({ 'a.txt': 'a\n', 'lib/b.txt': 'b\n', 'lib/c.txt': 'c\n' });
    const { checkpoint } = must(await store.take('turn 1'));
    await writeFile(path.join(workspace, 'a.txt'), 'A\n');
    await writeFile(path.join(workspace, 'lib/b.txt'), 'B\n');
    await writeFile(path.join(workspace, 'lib/new.txt'), 'new\n');
    await rm(path.join(workspace, 'lib/c.txt'));

    const report = must(await store.restore(checkpoint, { paths: ['lib/', 'lib/../lib/b.txt'] }));
    expect(report).toMatchObject({ restored: ['lib/b.txt', 'lib/c.txt'], removed: ['lib/new.txt'] });
    expect(await readFile(path.join(workspace, 'a.txt'), 'utf8')).toBe('A\n');
    expect(await readFile(path.join(workspace, 'lib/c.txt'), 'utf8')).toBe('c\n');
    expect(await store.restore(checkpoint, { paths: ['../outside'] })).toEqual({
      ok: false,
      error: '"../outside" is not a path inside the workspace; give workspace-relative paths',
    });
  });

  it('checkpoints the workspace before restoring, so a restore can be undone', async () => {
    const { workspace, store } = await createCheckpointFixture({ 'a.txt': 'one\n' });
    const { checkpoint } = must(await store.take('turn 1'));
    await writeFile(path.join(workspace, 'a.txt'), 'two\n');
    await writeFile(path.join(workspace, 'b.txt'), 'made by the agent\n');
    const { backup } = must(await store.restore(checkpoint.id));
    expect(backup).toMatchObject({ number: 2, label: 'before restoring "turn 1"' });
    expect(await stat(path.join(workspace, 'b.txt')).catch(() => undefined)).toBeUndefined();

    must(await store.restore(backup));
    expect(await readFile(path.join(workspace, 'a.txt'), 'utf8')).toBe('two\n');
    expect(await readFile(path.join(workspace, 'b.txt'), 'utf8')).toBe('made by the agent\n');
    expect(must(await store.list()).checkpoints.map((entry) => entry.label)).toEqual(['turn 1', 'before restoring "turn 1"', 'before restoring "before restoring "turn 1""']);
  });

  it('keeps checkpoints across a restart, and each session its own', async () => {
    const { workspace, store, reopen } = await createCheckpointFixture({ 'a.txt': 'one\n' });
    const first = must(await store.take('turn 1')).checkpoint;
    await writeFile(path.join(workspace, 'a.txt'), 'two\n');
    const second = must(await store.take('turn 2')).checkpoint;

    const restarted = reopen();
    const listed = must(await restarted.list()).checkpoints;
    expect(listed.map(({ id, number, label }) => ({ id, number, label }))).toEqual([
      { id: first.id, number: 1, label: 'turn 1' },
      { id: second.id, number: 2, label: 'turn 2' },
    ]);
    expect(listed[0]!.time).toEqual(first.time);
    must(await restarted.restore(listed[0]!));
    expect(await readFile(path.join(workspace, 'a.txt'), 'utf8')).toBe('one\n');
    expect(must(await restarted.take('turn 3')).checkpoint.number).toBe(4);

    const otherSession = reopen({ sessionId: 'session-2' });
    expect(must(await otherSession.list()).checkpoints).toEqual([]);
    expect(must(await otherSession.take('first of session 2')).checkpoint.number).toBe(1);
    expect(must(await otherSession.changedSince(first)).changes).toEqual({ added: [], deleted: [], modified: [], unchecked: [] });
  });

  it("removes other sessions' indexes unused for two weeks, keeps the newest to seed from, and their checkpoints stay", async () => {
    const { workspace, store, reopen } = await createCheckpointFixture({ 'a.txt': 'one\n' });
    const first = must(await store.take('turn 1')).checkpoint;
    for (const sessionId of ['session-2', 'session-3']) must(await reopen({ sessionId }).take('turn 1'));
    const indexes = path.join(store.gitDir, 'shoal-index');
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);
    await utimes(path.join(indexes, 'session-1'), daysAgo(20), daysAgo(20));
    await utimes(path.join(indexes, 'session-2'), daysAgo(15), daysAgo(15));
    await utimes(path.join(indexes, 'session-3'), daysAgo(16), daysAgo(16));

    must(await reopen({ sessionId: 'session-4' }).take('turn 1'));
    // session-2 is the newest of the others: stale or not, it stays to seed the next session.
    expect((await readdir(indexes)).sort()).toEqual(['session-2', 'session-4']);
    await writeFile(path.join(workspace, 'a.txt'), 'two\n');
    const resumed = reopen();
    expect(must(await resumed.list()).checkpoints.map((checkpoint) => checkpoint.id)).toEqual([first.id]);
    must(await resumed.restore(first));
    expect(await readFile(path.join(workspace, 'a.txt'), 'utf8')).toBe('one\n');
  });

  it("gives a session's copied index its source's time, so git still reads same-second changes by their contents", async () => {
    const { store, reopen } = await createCheckpointFixture({ 'a.txt': 'one\n' });
    must(await store.take('turn 1'));
    const indexes = path.join(store.gitDir, 'shoal-index');
    const anHourAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 60 * 60 * 1000);
    await utimes(path.join(indexes, 'session-1'), anHourAgo, anHourAgo);
    must(await reopen({ sessionId: 'session-2' }).list());
    // A copy dated now would tell git that stat data taken an hour ago was taken now.
    expect((await stat(path.join(indexes, 'session-2'))).mtimeMs).toBe(anHourAgo.getTime());
  });

  it('runs takes started together one after another, within a store and across stores of a session', async () => {
    const { workspace, store, reopen } = await createCheckpointFixture({ 'a.txt': '0\n' });
    const other = reopen();
    const takes = [];
    for (let turn = 1; turn <= 6; turn++) {
      await writeFile(path.join(workspace, `file-${turn}.txt`), `${turn}\n`);
      takes.push((turn % 2 === 0 ? store : other).take(`turn ${turn}`));
    }
    const results = await Promise.all(takes);
    expect(results.map((result) => must(result).checkpoint.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const last = must(await store.list()).checkpoints.at(-1)!;
    expect(must(await store.changedSince(last)).changes).toEqual({ added: [], deleted: [], modified: [], unchecked: [] });
    expect(shadowGit(store.gitDir, ['fsck', '--no-dangling', '--no-progress'])).toBe('');
  });

  it('numbers on past a checkpoint another shoal of the session added', async () => {
    const { store } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    const first = must(await store.take('turn 1')).checkpoint;
    shadowGit(store.gitDir, ['update-ref', 'refs/shoal/session-1/2', first.id]);
    expect(must(await store.take('turn 2')).checkpoint.number).toBe(3);
    expect(must(await store.list()).checkpoints.map((checkpoint) => checkpoint.number)).toEqual([1, 2, 3]);
  });

  it('lets a caller start a take without waiting: the next call waits for it', async () => {
    const { store } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    const pending = store.take('not awaited');
    expect(must(await store.list()).checkpoints.map((checkpoint) => checkpoint.label)).toEqual(['not awaited']);
    expect(must(await pending).checkpoint.number).toBe(1);
  });

  it('refuses a take with more files to hash than the limit, and hashes none of them', async () => {
    const { store } = await createCheckpointFixture({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' }, { maxNewFiles: 2 });
    expect(await store.take('turn 1')).toEqual({
      ok: false,
      error: '3 files to checkpoint that no .gitignore leaves out, over the limit of 2; is this the project\'s folder?',
    });
    expect(shadowGit(store.gitDir, ['count-objects']).trim()).toBe('0 objects, 0 kilobytes');
  });

  it('answers an unknown or malformed checkpoint id with an error line', async () => {
    const { store } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    must(await store.take('turn 1'));
    expect(await store.restore('HEAD')).toEqual({ ok: false, error: '"HEAD" is not a checkpoint id' });
    expect(await store.changedSince('0123456789012345678901234567890123456789')).toEqual({ ok: false, error: 'no checkpoint 012345678901 in this workspace\'s store' });
  });

  it('keeps its repository in the state folder and never makes one in the workspace', async () => {
    const { workspace, stateDir, store } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    must(await store.take('turn 1'));
    expect(store.gitDir.startsWith(path.join(stateDir, 'checkpoints') + path.sep)).toBe(true);
    expect(Object.keys(await snapshotTree(workspace))).toEqual(['a.txt']);
  });
});
