import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../src/workspace/images/read-image';
import { createReadFileTool } from '../../../src/tools/read-file';
import { gifHead, jpegHead, pngBytes, webpHead } from '../../helpers/images';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

async function read(files: Record<string, string | Buffer>, path: string, isTakingImages: boolean) {
  const cwd = await createTempWorkspace(files);
  return createReadFileTool({ cwd, isTakingImages: () => isTakingImages }).execute({ path }, context);
}

describe('read_file of an image', () => {
  it('returns the image itself, base64 with its media type, for a model that takes images', async () => {
    const png = pngBytes(8, 4);
    const result = await read({ 'docs/shot.png': png }, 'docs/shot.png', true);
    expect(result.output).toBe(`docs/shot.png: a PNG image, 8x4, ${png.length} bytes.`);
    expect(result.images).toEqual([{ mediaType: 'image/png', data: png.toString('base64'), path: 'docs/shot.png' }]);
  });

  it('knows JPEG, GIF and WebP by their bytes, whatever the name says', async () => {
    const files = { 'photo.bin': jpegHead(1024, 768), 'anim.png': gifHead(10, 20), 'pic.webp': webpHead(64, 48) };
    expect((await read(files, 'photo.bin', true)).images?.[0]?.mediaType).toBe('image/jpeg');
    expect((await read(files, 'anim.png', true)).images?.[0]?.mediaType).toBe('image/gif');
    expect((await read(files, 'pic.webp', true)).summary).toBe('WEBP image, 64x48, 30 bytes');
  });

  it('reads a text file named .png as the text it is, never as an image', async () => {
    const result = await read({ 'fake.png': 'not an image\n' }, 'fake.png', true);
    expect(result.output).toBe('    1\tnot an image');
    expect(result.images).toBeUndefined();
  });

  it('gives a text-only model a note of the image (type, pixel size, bytes) instead of the image', async () => {
    const jpeg = Buffer.concat([jpegHead(1920, 1080), Buffer.alloc(2048)]);
    const result = await read({ 'shot.jpg': jpeg }, 'shot.jpg', false);
    expect(result.output).toBe('shot.jpg is a JPEG image (1920x1080, 2 KB); this model does not take images, so its content cannot be shown. Ask the user what it shows if you need to know.');
    expect(result.summary).toBe('JPEG image, 1920x1080, 2 KB, not sent (the model takes no images)');
    expect(result.images).toBeUndefined();
  });

  it('refuses an image over the cap in one line, without reading it', async () => {
    const big = Buffer.concat([pngBytes(), Buffer.alloc(MAX_IMAGE_BYTES)]);
    await expect(read({ 'big.png': big }, 'big.png', true)).rejects.toThrow(/^big\.png is 5 MB, over the 5 MB limit for images; not sent\.$/);
  });
});
