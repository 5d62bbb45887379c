import { mkdir, symlink } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pastedImagePaths, readPastedImage } from '../../../src/workspace/images/pasted-paths';
import { MAX_IMAGE_BYTES, readWorkspaceImage } from '../../../src/workspace/images/read-image';
import { pngBytes } from '../../helpers/images';
import { createTempWorkspace } from '../../helpers/temp-workspace';

describe('pastedImagePaths', () => {
  it('finds paths as terminals paste dropped files: plain, backslash-escaped spaces, quoted, file:// URLs, ~/', () => {
    const text = [
      'look at /tmp/shot.png and',
      '/Users/me/Desktop/Screen\\ Shot\\ 2026-12-07\\ at\\ 09.41.22.png',
      "'/home/me/My Pictures/bug.JPG'",
      '"./docs/with space.webp",',
      'file:///tmp/from%20gnome.gif',
      '~/Pictures/ui.jpeg.',
    ].join(' ');
    expect(pastedImagePaths(text)).toEqual([
      '/tmp/shot.png',
      '/Users/me/Desktop/Screen Shot 2026-12-07 at 09.41.22.png',
      '/home/me/My Pictures/bug.JPG',
      './docs/with space.webp',
      '/tmp/from gnome.gif',
      '~/Pictures/ui.jpeg',
    ]);
  });

  it('leaves prose alone: bare names, @ mentions, other extensions, apostrophes', () => {
    expect(pastedImagePaths("don't rename logo.png, see @assets/logo.png and /etc/passwd or src/app.ts")).toEqual([]);
  });
});

describe('readPastedImage', () => {
  it('reads an image outside the workspace that the user pasted, by its real path, with its size', async () => {
    const workspace = await createTempWorkspace();
    const elsewhere = await createTempWorkspace({ 'Screen Shot.png': pngBytes(4, 5) });
    const image = await readPastedImage({ cwd: workspace, requested: path.join(elsewhere, 'Screen Shot.png') });
    expect(image).toMatchObject({ mediaType: 'image/png', width: 4, height: 5, path: path.join(elsewhere, 'Screen Shot.png') });
    expect(Buffer.from(image!.data, 'base64').equals(pngBytes(4, 5))).toBe(true);
  });

  it('resolves a relative path against the workspace and shows it relative', async () => {
    const workspace = await createTempWorkspace({ 'shots/a.png': pngBytes() });
    expect(await readPastedImage({ cwd: workspace, requested: './shots/a.png' })).toMatchObject({ path: 'shots/a.png', mediaType: 'image/png' });
  });

  it('is silent about a path where nothing is (it was prose), and refuses in one line what is not a sendable image', async () => {
    const workspace = await createTempWorkspace({ 'fake.png': 'this is text, not a PNG\n', 'huge.png': Buffer.concat([pngBytes(), Buffer.alloc(MAX_IMAGE_BYTES)]) });
    await mkdir(path.join(workspace, 'folder.png'));
    execFileSync('mkfifo', [path.join(workspace, 'pipe.png')]);
    expect(await readPastedImage({ cwd: workspace, requested: './missing.png' })).toBeUndefined();
    await expect(readPastedImage({ cwd: workspace, requested: './fake.png' })).rejects.toThrow(/^fake\.png is not a PNG, JPEG, GIF or WebP image; not sent\.$/);
    await expect(readPastedImage({ cwd: workspace, requested: './huge.png' })).rejects.toThrow(/^huge\.png is 5 MB, over the 5 MB limit for images; not sent\.$/);
    await expect(readPastedImage({ cwd: workspace, requested: './folder.png' })).rejects.toThrow('folder.png is a directory, not an image file.');
    await expect(readPastedImage({ cwd: workspace, requested: './pipe.png' })).rejects.toThrow('pipe.png is a FIFO, not an image file.');
  });
});

describe('readWorkspaceImage', () => {
  it('reads an @-mentioned image inside the workspace and leaves everything else to the text attachment', async () => {
    const workspace = await createTempWorkspace({ 'shot.png': pngBytes(), 'notes.png': 'text named like an image\n' });
    const outside = await createTempWorkspace({ 'secret.png': pngBytes() });
    await symlink(path.join(outside, 'secret.png'), path.join(workspace, 'link.png'));
    expect(await readWorkspaceImage({ cwd: workspace, requested: 'shot.png' })).toMatchObject({ path: 'shot.png', mediaType: 'image/png' });
    expect(await readWorkspaceImage({ cwd: workspace, requested: 'notes.png' })).toBeUndefined();
    // An @ mention stays inside the workspace, through symlinks and ../ alike.
    expect(await readWorkspaceImage({ cwd: workspace, requested: 'link.png' })).toBeUndefined();
    expect(await readWorkspaceImage({ cwd: workspace, requested: path.join(outside, 'secret.png') })).toBeUndefined();
  });
});
