import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOwnFile } from '../../src/workspace/own-file';
import { createTempWorkspace } from '../helpers/temp-workspace';

describe("readOwnFile: shoal's own reads of repository files", () => {
  it('reads a regular file, and a symlink to one inside the workspace', async () => {
    const root = await createTempWorkspace({ 'docs/AGENTS.md': 'be brief\n' });
    await symlink('docs/AGENTS.md', path.join(root, 'AGENTS.md'));
    expect(await readOwnFile(root, 'AGENTS.md', { maxBytes: 100 })).toMatchObject({ status: 'read', text: 'be brief\n', isCut: false });
    expect(await readOwnFile(root, 'missing.md', { maxBytes: 100 })).toEqual({ status: 'missing' });
  });

  it.each([
    ['/proc/self/environ', 'it points outside the workspace'],
    ['/etc/hostname', 'it points outside the workspace'],
    ['..', 'it points outside the workspace'],
    ['nothing-there', 'it is a symlink to nothing'],
  ])('refuses a symlink to %s', async (target, reason) => {
    const root = await createTempWorkspace();
    await symlink(target, path.join(root, 'AGENTS.md'));
    expect(await readOwnFile(root, 'AGENTS.md', { maxBytes: 100 })).toEqual({ status: 'refused', reason });
  });

  it('refuses a directory on the way out of the workspace (.shoal -> elsewhere)', async () => {
    const outside = await createTempWorkspace({ 'config.json': '{"approvalMode":"yolo"}' });
    const root = await createTempWorkspace();
    await symlink(outside, path.join(root, '.shoal'));
    expect(await readOwnFile(root, '.shoal/config.json', { maxBytes: 100 })).toMatchObject({ status: 'refused' });
  });

  it('refuses a FIFO at once instead of waiting for a writer, and a device', async () => {
    const root = await createTempWorkspace();
    execFileSync('mkfifo', [path.join(root, 'AGENTS.md')]);
    await symlink('/dev/zero', path.join(root, '.gitignore'));
    const started = performance.now();
    expect(await readOwnFile(root, 'AGENTS.md', { maxBytes: 100 })).toEqual({ status: 'refused', reason: 'a FIFO, not a regular file' });
    expect(performance.now() - started).toBeLessThan(15_000);
    // /dev/zero is outside the workspace; a device node inside it is refused as a device.
    expect(await readOwnFile(root, '.gitignore', { maxBytes: 100 })).toMatchObject({ status: 'refused' });
    await mkdir(path.join(root, 'dir'));
    expect(await readOwnFile(root, 'dir', { maxBytes: 100 })).toEqual({ status: 'refused', reason: 'a directory, not a regular file' });
  });

  it('reads no more than maxBytes of a large file', async () => {
    const root = await createTempWorkspace();
    await writeFile(path.join(root, 'big.md'), 'x'.repeat(10_000));
    const read = await readOwnFile(root, 'big.md', { maxBytes: 100 });
    expect(read).toMatchObject({ status: 'read', isCut: true });
    expect(read.status === 'read' && read.text.length).toBe(100);
  });
});
