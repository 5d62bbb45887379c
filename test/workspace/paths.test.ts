import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, resolveInWorkspace, shortenPath, toWorkspacePath } from '../../src/workspace/paths';
import { createTempWorkspace } from '../helpers/temp-workspace';

/** A workspace with symlinks of every kind, and a directory outside it. */
async function createFixture(): Promise<{ root: string; outside: string }> {
  const outside = await createTempWorkspace({ 'secret.txt': 'secret' });
  const root = await createTempWorkspace({ 'src/app.ts': 'export {};\n' });
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-out.txt'));
  await symlink(outside, path.join(root, 'dir-out'));
  await symlink(path.join(root, 'missing-target.txt'), path.join(root, 'dangling.txt'));
  await symlink('src/app.ts', path.join(root, 'link-in.ts'));
  await mkdir(path.join(root, 'src', 'nested'));
  await symlink('..', path.join(root, 'src', 'nested', 'up'));
  return { root, outside };
}

type Case = {
  name: string;
  requested: (fixture: { root: string; outside: string }) => string;
} & ({ resolvesTo: string } | { refusedWith: RegExp });

const cases: Case[] = [
  { name: 'relative path inside', requested: () => 'src/app.ts', resolvesTo: 'src/app.ts' },
  { name: 'empty path is the root', requested: () => '', resolvesTo: '.' },
  { name: '".." escape', requested: () => '../etc/passwd', refusedWith: /outside the workspace/ },
  { name: '".." escape after a real directory', requested: () => 'src/../../x', refusedWith: /outside the workspace/ },
  { name: 'absolute path outside', requested: ({ outside }) => path.join(outside, 'secret.txt'), refusedWith: /outside the workspace/ },
  { name: 'absolute path inside', requested: ({ root }) => path.join(root, 'src', 'app.ts'), resolvesTo: 'src/app.ts' },
  { name: 'symlinked file pointing out', requested: () => 'link-out.txt', refusedWith: /outside the workspace/ },
  { name: 'file through a symlinked directory pointing out', requested: () => 'dir-out/secret.txt', refusedWith: /outside the workspace/ },
  { name: 'new file through a symlinked directory pointing out', requested: () => 'dir-out/new.txt', refusedWith: /outside the workspace/ },
  { name: 'dangling symlink', requested: () => 'dangling.txt', refusedWith: /symlink whose target does not exist/ },
  { name: 'symlink pointing inside', requested: () => 'link-in.ts', resolvesTo: 'src/app.ts' },
  { name: 'symlinked directory pointing inside', requested: () => 'src/nested/up/app.ts', resolvesTo: 'src/app.ts' },
  { name: 'new file in a new directory', requested: () => 'new/dir/file.ts', resolvesTo: 'new/dir/file.ts' },
  { name: 'NUL byte', requested: () => 'src/app.ts\0.png', refusedWith: /NUL byte/ },
];

describe('resolveInWorkspace', () => {
  it.each(cases)('$name', async (testCase) => {
    const fixture = await createFixture();
    const resolving = resolveInWorkspace(fixture.root, testCase.requested(fixture));
    if ('refusedWith' in testCase) {
      await expect(resolving).rejects.toThrow(testCase.refusedWith);
    } else {
      const resolved = await resolving;
      expect(path.isAbsolute(resolved)).toBe(true);
      expect(toWorkspacePath(fixture.root, resolved)).toBe(testCase.resolvesTo);
    }
  });

  it('tells the model to use a workspace-relative path when refusing', async () => {
    const { root } = await createFixture();
    await expect(resolveInWorkspace(root, '../x')).rejects.toThrow(/Use a path relative to the workspace root/);
  });
});

describe('isInside', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a', false],
    ['/a/b', '/a/b/../c', false],
  ])('isInside(%s, %s) is %s', (root, candidate, expected) => {
    expect(isInside(root, path.resolve(candidate))).toBe(expected);
  });
});

describe('shortenPath', () => {
  it('keeps a short path whole and cuts a long one in the middle to the length asked', () => {
    expect(shortenPath('src/a.ts')).toBe('src/a.ts');
    const long = `start/${'x'.repeat(200)}/end.ts`;
    const short = shortenPath(long, 21);
    expect(short).toBe('start/xxxx…xxx/end.ts');
    expect(shortenPath(long)).toHaveLength(80);
  });
});
