import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCheckpointStore, type CheckpointStore } from '../../src/checkpoints';
import { createChangeCursor } from '../../src/checkpoints/change-watch';
import { withShrinkBudget } from '../properties/property-runs';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { createCheckpointFixture, must, shadowGit } from './checkpoint-fixture';

/** A git that logs each command line it runs, so a test sees whether a take compared every tracked file. */
async function loggingGit(): Promise<{ git: string; commands: () => Promise<string[]> }> {
  const dir = await createTempWorkspace();
  const log = path.join(dir, 'commands.log');
  const git = path.join(dir, 'git');
  await writeFile(git, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
  return { git, commands: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean) };
}

/** The tree a checkpoint holds, by id: equal ids mean byte-equal contents, modes and names. */
function treeOf(store: CheckpointStore, id: string): string {
  return shadowGit(store.gitDir, ['rev-parse', `${id}^{tree}`]).trim();
}

const FILES = ['a/one.ts', 'a/two.ts', 'a/b/three.ts', 'c/four.ts', 'top.ts'];

describe('the change cursor', () => {
  it('has every change made before the call, even one made a moment before with no turn of the event loop since', async () => {
    const workspace = await createTempWorkspace({ 'src/app.ts': 'app\n', 'src/util.ts': 'util\n' });
    const cursor = createChangeCursor(workspace, path.join(await createTempWorkspace(), 'markers'));
    cursor.track(['src/app.ts', 'src/util.ts']);
    expect(await cursor.changes()).toBeUndefined();
    expect(await cursor.changes()).toEqual([]);
    execFileSync('sh', ['-c', 'echo changed > src/app.ts && rm src/util.ts'], { cwd: workspace });
    expect((await cursor.changes())?.sort()).toEqual(['src/app.ts', 'src/util.ts']);
    expect(await cursor.changes()).toEqual([]);
  });
});

describe('the change cursor over too many folders', () => {
  it('watches nothing and vouches for nothing, so every take compares every file', async () => {
    const workspace = await createTempWorkspace({ 'a/one.ts': '1\n', 'b/two.ts': '2\n', 'c/three.ts': '3\n' });
    const cursor = createChangeCursor(workspace, path.join(await createTempWorkspace(), 'markers'), { maxFolders: 2 });
    cursor.track(['a/one.ts', 'b/two.ts', 'c/three.ts']);
    expect(await cursor.changes()).toBeUndefined();
    await writeFile(path.join(workspace, 'a/one.ts'), 'changed\n');
    expect(await cursor.changes()).toBeUndefined();
    expect(await cursor.changes()).toBeUndefined();
  });
});

describe('takes after the first, from the change watch', () => {
  it('compares only the paths that changed once the watch holds, and every path after a flood of changes', async () => {
    const { git, commands } = await loggingGit();
    const { workspace, store } = await createCheckpointFixture(Object.fromEntries(FILES.map((file) => [file, `${file}\n`])), { git });
    // The first take reads everything, the second starts the interval the watch vouches for.
    for (const label of ['1', '2', '3']) must(await store.take(label));
    const before = (await commands()).length;
    await writeFile(path.join(workspace, 'a/b/three.ts'), 'changed\n');
    must(await store.take('4'));
    const fourth = (await commands()).slice(before);
    expect(fourth.some((line) => line.startsWith('diff-files --name-only -z -- a/b/three.ts'))).toBe(true);
    expect(fourth.some((line) => line.includes('--modified'))).toBe(false);

    // Another shoal of the session adds to the index: what it holds is no longer what this watch learnt.
    await writeFile(path.join(workspace, 'c/other.ts'), 'other\n');
    execFileSync('git', ['update-index', '--add', '--', 'c/other.ts'], {
      cwd: workspace,
      env: { PATH: process.env.PATH, GIT_DIR: store.gitDir, GIT_WORK_TREE: workspace, GIT_INDEX_FILE: path.join(store.gitDir, 'shoal-index', 'session-1') },
    });
    const external = (await commands()).length;
    must(await store.take('after another shoal'));
    expect((await commands()).slice(external).some((line) => line.includes('ls-files -z --modified --deleted'))).toBe(true);

    await Promise.all(Array.from({ length: 300 }, (_, index) => writeFile(path.join(workspace, 'c', `new-${index}.ts`), `${index}\n`)));
    const flooded = (await commands()).length;
    must(await store.take('5'));
    expect((await commands()).slice(flooded).some((line) => line.includes('ls-files -z --modified --deleted'))).toBe(true);
  });

  it('sees a change made before a folder is watched: a new folder, and one a restore brought back', async () => {
    const { workspace, store, stateDir, home } = await createCheckpointFixture(Object.fromEntries(FILES.map((file) => [file, `${file}\n`])));
    const reference = createCheckpointStore({ workspace, stateDir: path.join(stateDir, 'reference'), sessionId: 'reference', watchChanges: false, env: { PATH: process.env.PATH, HOME: home } });
    const takeBoth = async (label: string) => {
      const taken = must(await store.take(label)).checkpoint;
      expect(treeOf(store, taken.id), label).toBe(treeOf(reference, must(await reference.take(label)).checkpoint.id));
      return taken;
    };
    for (const label of ['1', '2', '3']) await takeBoth(label);
    await mkdir(path.join(workspace, 'n/m'), { recursive: true });
    await writeFile(path.join(workspace, 'n/m/new.ts'), 'new\n');
    const withFolder = await takeBoth('folder added');
    // Its watch starts at the next take: this edit comes before it.
    await writeFile(path.join(workspace, 'n/m/new.ts'), 'edited before the watch\n');
    await takeBoth('edited');
    await rm(path.join(workspace, 'n'), { recursive: true });
    await takeBoth('folder removed');
    must(await store.restore(withFolder));
    await takeBoth('folder restored');
    await writeFile(path.join(workspace, 'n/m/new.ts'), 'edited after the restore\n');
    await takeBoth('edited again');
  });

  it('compares everything after a take that failed, so what it was told of is not lost', async () => {
    const { workspace, store, stateDir, home } = await createCheckpointFixture({ 'a/one.ts': 'one\n', 'b/two.ts': 'two\n' }, { maxNewFiles: 3 });
    const reference = createCheckpointStore({ workspace, stateDir: path.join(stateDir, 'reference'), sessionId: 'reference', watchChanges: false, env: { PATH: process.env.PATH, HOME: home } });
    for (const label of ['1', '2', '3']) must(await store.take(label));
    await writeFile(path.join(workspace, 'a/one.ts'), 'edited\n');
    await Promise.all(['x1', 'x2', 'x3', 'x4'].map((name) => writeFile(path.join(workspace, `${name}.ts`), `${name}\n`)));
    expect((await store.take('refused')).ok).toBe(false);
    await Promise.all(['x1', 'x2', 'x3', 'x4'].map((name) => rm(path.join(workspace, `${name}.ts`))));
    const taken = must(await store.take('after the refusal')).checkpoint;
    expect(treeOf(store, taken.id)).toBe(treeOf(reference, must(await reference.take('now')).checkpoint.id));
  });

  it('holds what a full comparison holds, whatever the files and folders went through', async () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), file: fc.constantFrom(...FILES, 'a/new.ts', 'd/e/new.ts'), text: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('remove' as const), target: fc.constantFrom(...FILES, 'a', 'a/b', 'c', 'd') }),
      fc.record({ kind: fc.constant('move' as const), from: fc.constantFrom('a', 'a/b', 'c', 'd', 'top.ts'), to: fc.constantFrom('x', 'c/moved', 'a/b/back') }),
      fc.record({ kind: fc.constant('replace' as const), file: fc.constantFrom(...FILES) }),
      fc.record({ kind: fc.constant('chmod' as const), file: fc.constantFrom(...FILES) }),
      fc.record({ kind: fc.constant('restore' as const), back: fc.nat(3) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(operation, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 6 }),
        withShrinkBudget(async (turns) => {
          const { workspace, store, stateDir, home } = await createCheckpointFixture(Object.fromEntries(FILES.map((file) => [file, `${file}\n`])));
          // The same workspace read whole at every take: what the watched store must hold too.
          const reference = createCheckpointStore({ workspace, stateDir: path.join(stateDir, 'reference'), sessionId: 'reference', watchChanges: false, env: { PATH: process.env.PATH, HOME: home } });
          const ids = [must(await store.take('start')).checkpoint.id];
          for (const [turn, operations] of turns.entries()) {
            for (const step of operations) {
              if (step.kind === 'restore') {
                must(await store.restore(ids[Math.max(0, ids.length - 1 - step.back)]!));
                continue;
              }
              await applyOperation(workspace, step).catch(() => {});
            }
            const taken = must(await store.take(`turn ${turn}`)).checkpoint;
            ids.push(taken.id);
            const expected = must(await reference.take(`turn ${turn}`)).checkpoint;
            expect(treeOf(store, taken.id), `turn ${turn}: ${JSON.stringify(operations)}`).toBe(treeOf(reference, expected.id));
          }
        }),
      ),
      { numRuns: 12 },
    );
  }, 180_000);
});

type Operation =
  | { kind: 'write'; file: string; text: string }
  | { kind: 'remove'; target: string }
  | { kind: 'move'; from: string; to: string }
  | { kind: 'replace'; file: string }
  | { kind: 'chmod'; file: string };

/** Changes the workspace the way commands do; an operation that cannot apply (a missing source) changes nothing. */
async function applyOperation(workspace: string, step: Operation): Promise<void> {
  const at = (relative: string) => path.join(workspace, relative);
  switch (step.kind) {
    case 'write':
      await mkdir(path.dirname(at(step.file)), { recursive: true });
      return writeFile(at(step.file), step.text);
    case 'remove':
      return rm(at(step.target), { recursive: true, force: true });
    case 'move':
      await mkdir(path.dirname(at(step.to)), { recursive: true });
      await rm(at(step.to), { recursive: true, force: true });
      return rename(at(step.from), at(step.to));
    case 'replace':
      // An editor's save: a new file renamed over the old one.
      await writeFile(at(`${step.file}.tmp`), 'saved\n');
      return rename(at(`${step.file}.tmp`), at(step.file));
    case 'chmod':
      return chmod(at(step.file), 0o755);
  }
}
