import { createHash } from 'node:crypto';

/**
 * Git's index file, version 2, as far as joining indexes needs it (the format
 * is git's `Documentation/gitformat-index.txt`): a 12-byte header (`DIRC`,
 * version, entry count), the entries sorted by path, optional extensions,
 * and a SHA-1 of everything before it. An entry is 62 bytes of stat data,
 * object id and flags, then its path and 1 to 8 NULs that pad it to a
 * multiple of 8 bytes.
 */

const SIGNATURE = 'DIRC';
const HEADER_BYTES = 12;
const CHECKSUM_BYTES = 20;
/** ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 each), the object id (20), flags (2). */
const ENTRY_FIXED_BYTES = 62;
const FLAGS_OFFSET = 60;
const EXTENDED_FLAG = 0x4000;
const NAME_LENGTH_MASK = 0x0fff;

/** One entry, its bytes as git wrote them and its path as bytes for ordering. */
interface Entry {
  path: Buffer;
  bytes: Buffer;
}

/**
 * The entries of a version-2 index; undefined for any other version, an
 * entry with extended flags (version 3), a split or sparse index, or bytes
 * that are not an index, so the caller can fall back to letting git do the work.
 */
export function readIndexEntries(index: Buffer): Entry[] | undefined {
  if (index.length < HEADER_BYTES + CHECKSUM_BYTES || index.toString('latin1', 0, 4) !== SIGNATURE || index.readUInt32BE(4) !== 2) return undefined;
  const count = index.readUInt32BE(8);
  const end = index.length - CHECKSUM_BYTES;
  const entries: Entry[] = [];
  let offset = HEADER_BYTES;
  for (let number = 0; number < count; number++) {
    if (offset + ENTRY_FIXED_BYTES > end) return undefined;
    const flags = index.readUInt16BE(offset + FLAGS_OFFSET);
    if (flags & EXTENDED_FLAG) return undefined;
    const nameStart = offset + ENTRY_FIXED_BYTES;
    // The 12-bit length saturates for long paths; the NUL ends the name either way.
    const nameEnd = (flags & NAME_LENGTH_MASK) < NAME_LENGTH_MASK ? nameStart + (flags & NAME_LENGTH_MASK) : index.indexOf(0, nameStart);
    if (nameEnd < nameStart || nameEnd >= end || index[nameEnd] !== 0) return undefined;
    const length = paddedLength(nameEnd - nameStart);
    entries.push({ path: index.subarray(nameStart, nameEnd), bytes: index.subarray(offset, offset + length) });
    offset += length;
  }
  // A split index holds only the changes to a shared one ("link"), a sparse one collapsed folders ("sdir"): not the whole tree.
  while (offset + 8 <= end) {
    const signature = index.toString('latin1', offset, offset + 4);
    if (signature === 'link' || signature === 'sdir') return undefined;
    offset += 8 + index.readUInt32BE(offset + 4);
  }
  return entries;
}

/**
 * One version-2 index holding the entries of `base` whose paths none of
 * `layers` has, and every entry of `layers` (which must not share paths),
 * sorted as git sorts them. Extensions are left out: the cache tree they
 * hold is rebuilt by the next `write-tree`.
 */
export function joinIndexEntries(base: readonly Entry[], layers: readonly (readonly Entry[])[]): Buffer {
  let kept = base;
  if (base.length > 0) {
    const replaced = new Set<string>();
    for (const layer of layers) for (const entry of layer) replaced.add(entry.path.toString('latin1'));
    kept = base.filter((entry) => !replaced.has(entry.path.toString('latin1')));
  }
  const entries = [...kept, ...layers.flat()];
  // Stage 0 only (shoal's indexes never hold conflicts), so the path alone orders them, byte by byte.
  entries.sort((a, b) => Buffer.compare(a.path, b.path));
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(SIGNATURE, 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(entries.length, 8);
  const body = Buffer.concat([header, ...entries.map((entry) => entry.bytes)]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/** An entry's length: the fixed part, the name, and 1 to 8 NULs up to a multiple of 8. */
function paddedLength(nameBytes: number): number {
  return (ENTRY_FIXED_BYTES + nameBytes + 8) & ~7;
}
