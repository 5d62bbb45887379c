import { describe, expect, it } from 'vitest';
import { skippedNote, unreadableNote } from '../../src/tools/skipped-note';

describe('skippedNote', () => {
  it('counts special files by kind and names them', () => {
    expect(skippedNote([])).toBeUndefined();
    expect(skippedNote([{ path: 'a.pipe', kind: 'a FIFO' }, { path: 'b.sock', kind: 'a socket' }])).toBe(
      '[Skipped 1 FIFO and 1 socket (a.pipe, b.sock): not regular files, so not read.]',
    );
  });
});

describe('unreadableNote', () => {
  it('is undefined when everything was read', () => {
    expect(unreadableNote([])).toBeUndefined();
  });

  it('counts by kind, names the first five in path order with their reasons, and counts the rest', () => {
    const deep = Array.from({ length: 21 }, () => 'd'.repeat(200)).join('/');
    const note = unreadableNote([
      { path: 'z/secret.txt', kind: 'file', code: 'EACCES' },
      { path: deep, kind: 'folder', code: 'ENAMETOOLONG' },
      { path: 'b', kind: 'folder', code: 'EPERM' },
      { path: 'c', kind: 'path', code: 'EIO' },
      { path: 'e', kind: 'folder', code: 'ESTRANGE' },
      { path: 'f', kind: 'folder', code: 'ELOOP' },
      { path: 'g', kind: 'folder', code: 'EACCES' },
    ]);
    expect(note).toBe(
      '[Could not read 1 file, 5 folders and 1 path, so what they hold is missing from these results: ' +
        'b (permission denied); c (I/O error); ' +
        `${'d'.repeat(40)}…${'d'.repeat(39)} (path too long: 21 levels, 4220 characters); e (ESTRANGE); f (symlink loop); and 2 more.]`,
    );
  });

  it('speaks of one folder in the singular', () => {
    expect(unreadableNote([{ path: 'locked', kind: 'folder', code: 'EACCES' }])).toBe(
      '[Could not read 1 folder, so what it holds is missing from these results: locked (permission denied).]',
    );
  });
});
