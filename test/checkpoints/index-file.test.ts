import { execFileSync } from 'node:child_process';
import { chmod, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCommitObject } from '../../src/checkpoints/commit-object';
import { joinIndexEntries, readIndexEntries } from '../../src/checkpoints/index-file';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { createCheckpointFixture, must, shadowGit } from './checkpoint-fixture';

/** Runs git with its own repository, index and work tree, nothing of the user's config. */
function git(options: { gitDir: string; indexFile: string; workTree: string }, args: string[], input?: string): string {
  return execFileSync('git', args, {
    env: {
      PATH: process.env.PATH,
      GIT_DIR: options.gitDir,
      GIT_INDEX_FILE: options.indexFile,
      GIT_WORK_TREE: options.workTree,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      HOME: options.gitDir,
    },
    cwd: options.workTree,
    input,
    encoding: 'latin1',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A workspace with `count` small files spread over folders, a non-UTF-8 name, an executable and a symlink. */
async function manyFiles(count: number): Promise<string> {
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index++) files[`pkg-${index % 7}/mod-${index % 13}/file-${index}.ts`] = `export const v${index} = ${index};\n`;
  const workspace = await createTempWorkspace(files);
  await writeFile(Buffer.from(`${workspace}/caf\xe9.txt`, 'latin1'), 'latin1 name\n');
  await writeFile(path.join(workspace, 'run.sh'), '#!/bin/sh\n');
  await chmod(path.join(workspace, 'run.sh'), 0o755);
  await symlink('run.sh', path.join(workspace, 'link'));
  return workspace;
}

describe('joining git index files', () => {
  it('joins indexes git wrote into one git reads, later entries replacing a base entry of the same path, stat data kept', async () => {
    const workspace = await createTempWorkspace({ 'a.txt': 'a\n', 'b/c.txt': 'c\n', 'b/d.txt': 'd\n', 'e.txt': 'e\n' });
    const gitDir = await createTempWorkspace();
    execFileSync('git', ['init', '--quiet', '--bare', gitDir]);
    const at = (name: string) => ({ gitDir, workTree: workspace, indexFile: path.join(gitDir, name) });
    git(at('base'), ['update-index', '--add', '--stdin'], 'a.txt\nb/c.txt\n');
    await writeFile(path.join(workspace, 'a.txt'), 'a changed\n');
    git(at('one'), ['update-index', '--add', '--stdin'], 'e.txt\na.txt\n');
    git(at('two'), ['update-index', '--add', '--stdin'], 'b/d.txt\n');

    const layers = await Promise.all(['one', 'two'].map(async (name) => readIndexEntries(await readFile(at(name).indexFile))!));
    const base = readIndexEntries(await readFile(at('base').indexFile))!;
    await writeFile(at('joined').indexFile, joinIndexEntries(base, layers));
    git(at('expected'), ['update-index', '--add', '--stdin'], 'a.txt\nb/c.txt\nb/d.txt\ne.txt\n');

    // git checks the checksum and the order as it reads; the staged ids are those of adding every file in one go.
    expect(git(at('joined'), ['ls-files', '--stage'])).toBe(git(at('expected'), ['ls-files', '--stage']));
    // The stat data came along: nothing looks modified, so nothing is hashed again.
    expect(git(at('joined'), ['ls-files', '--modified'])).toBe('');
    expect(git(at('joined'), ['write-tree'])).toBe(git(at('expected'), ['write-tree']));
  });

  it('reads only version-2 indexes without extended entries, and says so for anything else', async () => {
    const workspace = await createTempWorkspace({ 'a.txt': 'a\n' });
    const gitDir = await createTempWorkspace();
    execFileSync('git', ['init', '--quiet', '--bare', gitDir]);
    const at = { gitDir, workTree: workspace, indexFile: path.join(gitDir, 'index') };
    git(at, ['update-index', '--add', '--stdin'], 'a.txt\n');
    expect(readIndexEntries(await readFile(at.indexFile))?.map((entry) => entry.path.toString())).toEqual(['a.txt']);
    git(at, ['update-index', '--split-index']);
    expect(readIndexEntries(await readFile(at.indexFile))).toBeUndefined();
    git(at, ['update-index', '--no-split-index']);
    expect(readIndexEntries(await readFile(at.indexFile))?.map((entry) => entry.path.toString())).toEqual(['a.txt']);
    git(at, ['update-index', '--index-version', '4']);
    expect(readIndexEntries(await readFile(at.indexFile))).toBeUndefined();
    git(at, ['update-index', '--index-version', '3', '--skip-worktree', 'a.txt']);
    expect(readIndexEntries(await readFile(at.indexFile))).toBeUndefined();
    expect(readIndexEntries(Buffer.from('DIRC\0\0\0\x02\0\0\0\x05 too short for five entries and a checksum', 'latin1'))).toBeUndefined();
    expect(readIndexEntries(Buffer.from('not an index at all, not even close to one'))).toBeUndefined();
  });

  it('a first checkpoint of thousands of files holds what adding them all with git holds, and the next finds only what changed', async () => {
    const workspace = await manyFiles(2_100);
    const { store } = await createCheckpointFixture({}, { workspace });
    const { checkpoint } = must(await store.take('first'));

    const referenceDir = await createTempWorkspace();
    execFileSync('git', ['init', '--quiet', '--bare', referenceDir]);
    const reference = { gitDir: referenceDir, workTree: workspace, indexFile: path.join(referenceDir, 'index') };
    git(reference, ['add', '--all']);
    expect(shadowGit(store.gitDir, ['rev-parse', `${checkpoint.id}^{tree}`]).trim()).toBe(git(reference, ['write-tree']).trim());

    // Each core's git wrote a pack of its own: the joined index, not one git process, made this checkpoint.
    const packs = (await readdir(path.join(store.gitDir, 'objects', 'pack'))).filter((name) => name.endsWith('.pack'));
    expect(packs).toHaveLength(Math.min(availableParallelism(), 4));
    const shadow = { gitDir: store.gitDir, workTree: workspace, indexFile: path.join(store.gitDir, 'shoal-index', 'session-1') };
    expect(git(shadow, ['ls-files', '--modified'])).toBe('');
    expect(git(shadow, ['ls-files']).split('\n').filter(Boolean)).toHaveLength(2_103);
    expect(shadowGit(store.gitDir, ['fsck', '--no-dangling'])).toBe('');

    await writeFile(path.join(workspace, 'pkg-3/mod-5/file-31.ts'), 'changed\n');
    await writeFile(path.join(workspace, 'new.ts'), 'new\n');
    expect(must(await store.changedSince(checkpoint)).changes).toEqual({ added: ['new.ts'], deleted: [], modified: ['pkg-3/mod-5/file-31.ts'], unchecked: [] });
  }, 60_000);

  it("writes a checkpoint's commit byte for byte as git commit-tree does", async () => {
    const workspace = await createTempWorkspace({ 'a.txt': 'a\n' });
    const gitDir = await createTempWorkspace();
    execFileSync('git', ['init', '--quiet', '--bare', gitDir]);
    const at = { gitDir, workTree: workspace, indexFile: path.join(gitDir, 'index') };
    git(at, ['update-index', '--add', '--stdin'], 'a.txt\n');
    const tree = git(at, ['write-tree']).trim();
    const time = new Date('2026-12-07T08:00:00.500Z');
    const message = 'turn 1: caf\u00e9 \u2014 "quoted"\n\n{"shoalCheckpoint":1}\n';
    const byGit = (parent?: string) =>
      execFileSync('git', ['commit-tree', tree, ...(parent ? ['-p', parent] : [])], {
        env: { PATH: process.env.PATH, GIT_DIR: gitDir, HOME: gitDir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'shoal', GIT_AUTHOR_EMAIL: 'shoal@localhost', GIT_COMMITTER_NAME: 'shoal', GIT_COMMITTER_EMAIL: 'shoal@localhost', GIT_AUTHOR_DATE: '1796630400 +0000', GIT_COMMITTER_DATE: '1796630400 +0000' },
        input: message,
        encoding: 'utf8',
      }).trim();
    const first = await writeCommitObject(gitDir, { tree, parent: undefined, message, time });
    expect(first).toBe(byGit());
    const second = await writeCommitObject(gitDir, { tree, parent: first, message, time });
    expect(second).toBe(byGit(first));
    expect(shadowGit(gitDir, ['cat-file', '-p', second])).toContain(`parent ${first}`);
    expect(shadowGit(gitDir, ['fsck', '--no-dangling'])).toBe('');
  });
});
