import { execFileSync } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertPatternInside, findFiles, type SkippedFile } from '../../src/workspace/find-files';
import { createTempWorkspace } from '../helpers/temp-workspace';

const signal = new AbortController().signal;

describe('findFiles confinement', () => {
  it('checks a pattern prefix against the real root even when the root was given through a symlink', async () => {
    const root = await createTempWorkspace({ 'src/a.ts': '' });
    const elsewhere = await createTempWorkspace();
    const viaLink = path.join(elsewhere, 'workspace');
    await symlink(root, viaLink);
    const files = await findFiles({ root: viaLink, directory: viaLink, pattern: 'src/*.ts', signal });
    expect(files.map((file) => file.path)).toEqual(['src/a.ts']);
  });

  it('refuses each brace branch that leads out, and lets through prefixes that do not exist', async () => {
    const root = await createTempWorkspace({ 'src/a.ts': '' });
    const outside = await createTempWorkspace({ 'secret.ts': '' });
    await symlink(outside, path.join(root, 'out'));
    const check = (pattern: string) => assertPatternInside({ root, directory: root, pattern });
    await expect(check('{src,out}/*.ts')).rejects.toThrow('goes through out, which leads outside the workspace');
    await expect(check('missing/deeper/*.ts')).resolves.toBeUndefined();
    await expect(check('src/**')).resolves.toBeUndefined();
  });

  it('leaves out special files and reports each through onSkipped, unless ignored', async () => {
    const root = await createTempWorkspace({ '.gitignore': 'ignored.pipe\n', 'a.txt': '' });
    execFileSync('mkfifo', [path.join(root, 'live.pipe'), path.join(root, 'ignored.pipe')]);
    const skipped: SkippedFile[] = [];
    const files = await findFiles({ root, directory: root, pattern: '**/*', signal, onSkipped: (file) => skipped.push(file) });
    expect(files.map((file) => file.path).sort()).toEqual(['.gitignore', 'a.txt']);
    expect(skipped).toEqual([{ path: 'live.pipe', kind: 'a FIFO' }]);
  });
});
