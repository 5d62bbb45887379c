import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAttachment } from '../../src/tools/read-attachment';
import { attachMentions, mentionAt, mentionedPaths } from '../../src/ui/composer/mentions';
import { createTempWorkspace } from '../helpers/temp-workspace';

describe('readAttachment', () => {
  it('reads a text file whole, and cuts a big one at the cap with a note', async () => {
    const cwd = await createTempWorkspace({ 'small.ts': 'const a = 1;\n', 'big.txt': 'x'.repeat(100) });
    expect(await readAttachment({ cwd, requested: 'small.ts' })).toEqual({ path: 'small.ts', text: 'const a = 1;\n', size: 13, isCut: false });
    const big = await readAttachment({ cwd, requested: 'big.txt', maxBytes: 40 });
    expect(big?.isCut).toBe(true);
    expect(big?.text).toBe(`${'x'.repeat(40)}\n[cut at 40 bytes of 100 bytes; read_file reads the rest]`);
  });

  it('leaves missing paths, directories and paths outside the workspace unattached, and refuses binary files', async () => {
    const outside = await createTempWorkspace({ 'secret.txt': 'secret\n' });
    const cwd = await createTempWorkspace({ 'dir/a.txt': 'a\n', 'image.png': Buffer.from([0x89, 0x50, 0x00, 0x01]) });
    await symlink(path.join(outside, 'secret.txt'), path.join(cwd, 'link.txt'));
    expect(await readAttachment({ cwd, requested: 'nope.ts' })).toBeUndefined();
    expect(await readAttachment({ cwd, requested: 'dir' })).toBeUndefined();
    expect(await readAttachment({ cwd, requested: '../secret.txt' })).toBeUndefined();
    expect(await readAttachment({ cwd, requested: 'link.txt' })).toBeUndefined();
    expect(await readAttachment({ cwd, requested: path.join(outside, 'secret.txt') })).toBeUndefined();
    await expect(readAttachment({ cwd, requested: 'image.png' })).rejects.toThrow('image.png is a binary file (4 bytes); only text files can be attached.');
  });
});

describe('mentions', () => {
  it('finds the mention at the cursor only after whitespace or at the start', () => {
    expect(mentionAt('see @src/cl', 11)).toEqual({ start: 4, query: 'src/cl' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail me@host', 12)).toBeUndefined();
    expect(mentionAt('@a.ts done', 10)).toBeUndefined();
  });

  it('lists each mentioned path once, without trailing punctuation, and reports a binary one in one line', async () => {
    expect(mentionedPaths('compare @a.ts, @b.ts and @a.ts.')).toEqual(['a.ts', 'b.ts']);
    const cwd = await createTempWorkspace({ 'a.ts': 'a\n', 'bin.dat': Buffer.from([0, 1, 2]) });
    const result = await attachMentions({ cwd, text: 'look at @a.ts and @bin.dat and @missing.ts' });
    expect(result.attached.map((file) => file.path)).toEqual(['a.ts']);
    expect(result.context).toBe('<file path="a.ts">\na\n\n</file>');
    expect(result.problems).toEqual(['bin.dat is a binary file (3 bytes); only text files can be attached.']);
  });
});
