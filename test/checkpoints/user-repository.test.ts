import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotTree, userGit } from '../helpers/file-tree';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { createCheckpointFixture, must, shadowGit } from './checkpoint-fixture';

const exists = (file: string) => stat(file).then(() => true, () => false);

/** A script that leaves `marker` behind if anything ever runs it. */
async function writeTrap(file: string, marker: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\ntouch '${marker}'\ncat\n`);
  await chmod(file, 0o755);
}

describe("the user's own repository", () => {
  it('is left exactly as it was by takes and restores: HEAD, index, stash, refs, hooks, config', async () => {
    const home = await createTempWorkspace();
    const { workspace, store } = await createCheckpointFixture(
      { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', '.gitattributes': '*.txt filter=trap\n' },
      // Where the store's git would find a global config, if it looked: it must not.
      { env: { PATH: process.env.PATH, HOME: home } },
    );
    const git = (...args: string[]) => userGit(workspace, home, args);
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'first');
    git('branch', 'feature');
    await writeFile(path.join(workspace, 'b.txt'), 'b stashed\n');
    git('stash', '-q');
    await writeFile(path.join(workspace, 'a.txt'), 'a staged\n');
    git('add', 'a.txt');
    await writeFile(path.join(workspace, 'c.txt'), 'c unstaged\n');
    await writeFile(path.join(workspace, 'untracked.txt'), 'u\n');

    // Only now arm the traps: the user's own git above must not trip them, and the store's never may.
    const marker = path.join(home, 'trap-ran');
    await writeTrap(path.join(home, 'trap.sh'), marker);
    for (const hook of ['pre-commit', 'post-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'pre-auto-gc']) {
      await writeTrap(path.join(workspace, '.git', 'hooks', hook), marker);
    }
    for (const config of [path.join(workspace, '.git', 'config'), path.join(home, '.gitconfig')]) {
      const trap = path.join(home, 'trap.sh');
      await writeFile(config, `${await readFile(config, 'utf8').catch(() => '')}\n[filter "trap"]\n\tclean = ${trap}\n\tsmudge = ${trap}\n\trequired = true\n[core]\n\tfsmonitor = ${trap}\n\thooksPath = ${path.join(workspace, '.git', 'hooks')}\n`);
    }
    const status = git('status', '--porcelain');
    await rm(marker, { force: true });
    const dotGit = path.join(workspace, '.git');
    const before = await snapshotTree(dotGit, { withTimes: true });

    const first = must(await store.take('turn 1')).checkpoint;
    await writeFile(path.join(workspace, 'a.txt'), 'a by the agent\n');
    await rm(path.join(workspace, 'c.txt'));
    await writeFile(path.join(workspace, 'd.txt'), 'd\n');
    must(await store.take('turn 2'));
    must(await store.changedSince(first));
    must(await store.restore(first));

    expect(await snapshotTree(dotGit, { withTimes: true })).toEqual(before);
    expect(await exists(marker)).toBe(false);
    expect(await readFile(path.join(workspace, 'c.txt'), 'utf8')).toBe('c unstaged\n');
    expect(git('status', '--porcelain')).toBe(status);
    expect(git('stash', 'list')).toContain('stash@{0}');
    expect(shadowGit(store.gitDir, ['ls-tree', '-r', '--name-only', first.id]).split('\n').filter(Boolean)).toEqual([
      '.gitattributes',
      'a.txt',
      'b.txt',
      'c.txt',
      'untracked.txt',
    ]);
  });

  it("applies the ignore rules of a repository around the workspace, as the user's git would", async () => {
    const { workspace: repository } = await createCheckpointFixture({
      '.gitignore': '/packages/app/dist/\n*.tmp\n!keep.tmp\npackages/*/cache/\n**/out/*.js\n/top-only.txt\n',
      'packages/.gitignore': '/app/generated/\n',
      'packages/app/.gitignore': 'local.txt\n',
      'packages/app/src/main.ts': 'main\n',
      'packages/app/dist/bundle.js': 'bundle\n',
      'packages/app/a.tmp': 'tmp\n',
      'packages/app/keep.tmp': 'kept\n',
      'packages/app/cache/c.bin': 'cache\n',
      'packages/app/generated/g.ts': 'generated\n',
      'packages/app/deep/out/x.js': 'out\n',
      'packages/app/secret.txt': 'secret\n',
      'packages/app/local.txt': 'local\n',
      'packages/app/top-only.txt': 'not the top one\n',
    });
    const home = await createTempWorkspace();
    userGit(repository, home, ['init', '-q']);
    await writeFile(path.join(repository, '.git', 'info', 'exclude'), 'packages/app/secret.txt\n');
    const { store } = await createCheckpointFixture({}, { workspace: path.join(repository, 'packages', 'app') });

    const { checkpoint } = must(await store.take('turn 1'));
    const stored = shadowGit(store.gitDir, ['ls-tree', '-r', '--name-only', checkpoint.id]).split('\n').filter(Boolean);
    expect(stored).toEqual(['.gitignore', 'keep.tmp', 'src/main.ts', 'top-only.txt']);
    // The user's git, asked from the workspace, agrees on what is not ignored.
    const seenByGit = userGit(path.join(repository, 'packages', 'app'), home, ['ls-files', '--others', '--exclude-standard']);
    expect(seenByGit.split('\n').filter(Boolean).sort()).toEqual(stored);
  });

  it("leaves out what the user's global ignore file names, under their own .gitignore's exceptions, with or without a repository", async () => {
    const files = { '.gitignore': '!keep.log\n', 'app.ts': 'app\n', 'debug.log': 'noise\n', 'keep.log': 'kept\n', '.idea/workspace.xml': '<x/>\n' };
    const { workspace, home, store } = await createCheckpointFixture(files);
    await mkdir(path.join(home, '.config', 'git'), { recursive: true });
    await writeFile(path.join(home, '.config', 'git', 'ignore'), '*.log\n.idea/\n');
    const { checkpoint } = must(await store.take('turn 1'));
    const stored = (id: string, dir: string) => shadowGit(dir, ['ls-tree', '-r', '--name-only', id]).split('\n').filter(Boolean);
    expect(stored(checkpoint.id, store.gitDir)).toEqual(['.gitignore', 'app.ts', 'keep.log']);
    // The user's git agrees, in a repository of the same files.
    userGit(workspace, home, ['init', '-q']);
    expect(userGit(workspace, home, ['ls-files', '--others', '--exclude-standard']).split('\n').filter(Boolean).sort()).toEqual(['.gitignore', 'app.ts', 'keep.log']);

    // core.excludesFile in the user's config names another file, which then replaces the default one.
    const other = await createCheckpointFixture(files);
    await writeFile(path.join(other.home, '.gitconfig'), '[core]\n\texcludesFile = ~/my-ignores\n');
    await writeFile(path.join(other.home, 'my-ignores'), 'app.ts\n');
    await mkdir(path.join(other.home, '.config', 'git'), { recursive: true });
    await writeFile(path.join(other.home, '.config', 'git', 'ignore'), '*.log\n');
    const { checkpoint: second } = must(await other.store.take('turn 1'));
    expect(stored(second.id, other.store.gitDir)).toEqual(['.gitignore', '.idea/workspace.xml', 'debug.log', 'keep.log']);
  });
});
