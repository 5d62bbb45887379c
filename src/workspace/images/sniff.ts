/** The image types every image-taking API accepts (OpenAI, Anthropic, Gemini): PNG, JPEG, GIF and WebP. */
export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** What the bytes of a file say it is: its media type and, when the header holds them, its pixel size. */
export interface ImageKind {
  mediaType: ImageMediaType;
  width?: number;
  height?: number;
}

/** Enough of a file's start to tell its type (a WebP's is 16 bytes); the size may need more (a JPEG's comes after its metadata). */
export const IMAGE_SNIFF_BYTES = 32;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The image type of `bytes`, judged by their magic numbers alone, never by a
 * file name: a text file named shot.png is not an image. Undefined for
 * anything that is not a PNG, JPEG, GIF or WebP.
 */
export function sniffImage(bytes: Uint8Array): ImageKind | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (PNG_SIGNATURE.every((byte, index) => buffer[index] === byte)) return { mediaType: 'image/png', ...pngSize(buffer) };
  if (buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return { mediaType: 'image/jpeg', ...jpegSize(buffer) };
  const head = buffer.toString('latin1', 0, 6);
  if (head === 'GIF87a' || head === 'GIF89a') return { mediaType: 'image/gif', ...(buffer.length >= 10 ? { width: buffer.readUInt16LE(6), height: buffer.readUInt16LE(8) } : {}) };
  if (buffer.toString('latin1', 0, 4) === 'RIFF' && buffer.toString('latin1', 8, 12) === 'WEBP') return { mediaType: 'image/webp', ...webpSize(buffer) };
  return undefined;
}

type Size = { width: number; height: number } | Record<string, never>;

function pngSize(buffer: Buffer): Size {
  // The first chunk is always IHDR: width and height as big-endian 32-bit numbers.
  if (buffer.length < 24 || buffer.toString('latin1', 12, 16) !== 'IHDR') return {};
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/** Walks the JPEG's segments to the first start-of-frame, which holds the size. */
function jpegSize(buffer: Buffer): Size {
  let offset = 2;
  while (offset + 9 <= buffer.length) {
    if (buffer[offset] !== 0xff) return {};
    const marker = buffer[offset + 1]!;
    // Fill bytes, and the markers that stand alone (no length follows).
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2;
      continue;
    }
    // SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: buffer.readUInt16BE(offset + 5), width: buffer.readUInt16BE(offset + 7) };
    }
    offset += 2 + buffer.readUInt16BE(offset + 2);
  }
  return {};
}

/** The size from the first chunk of a WebP: lossy (VP8), lossless (VP8L) or extended (VP8X). */
function webpSize(buffer: Buffer): Size {
  const chunk = buffer.toString('latin1', 12, 16);
  if (chunk === 'VP8 ' && buffer.length >= 30) return { width: buffer.readUInt16LE(26) & 0x3fff, height: buffer.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L' && buffer.length >= 25) {
    const bits = buffer.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && buffer.length >= 30) return { width: buffer.readUIntLE(24, 3) + 1, height: buffer.readUIntLE(27, 3) + 1 };
  return {};
}
