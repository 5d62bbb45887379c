import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../../src/workspace/images/sniff';
import { gifHead, jpegHead, pngBytes, webpHead } from '../../helpers/images';

describe('sniffImage', () => {
  it('tells PNG, JPEG, GIF and WebP by their bytes, with the pixel size their headers hold', () => {
    expect(sniffImage(pngBytes(640, 480))).toEqual({ mediaType: 'image/png', width: 640, height: 480 });
    expect(sniffImage(jpegHead(1920, 1080))).toEqual({ mediaType: 'image/jpeg', width: 1920, height: 1080 });
    expect(sniffImage(gifHead(32, 16))).toEqual({ mediaType: 'image/gif', width: 32, height: 16 });
    expect(sniffImage(webpHead(300, 200))).toEqual({ mediaType: 'image/webp', width: 300, height: 200 });
  });

  it('knows the type from the first bytes alone, before the size is in reach', () => {
    expect(sniffImage(jpegHead(10, 10).subarray(0, 3))).toEqual({ mediaType: 'image/jpeg' });
    expect(sniffImage(pngBytes().subarray(0, 8))).toEqual({ mediaType: 'image/png' });
  });

  it('is not fooled by names or near misses: text, an SVG, a RIFF that is not WebP, a truncated signature', () => {
    expect(sniffImage(Buffer.from('just some text, named shot.png'))).toBeUndefined();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    const wave = webpHead(1, 1);
    wave.write('WAVE', 8, 'latin1');
    expect(sniffImage(wave)).toBeUndefined();
    expect(sniffImage(pngBytes().subarray(0, 5))).toBeUndefined();
    expect(sniffImage(new Uint8Array())).toBeUndefined();
  });
});
