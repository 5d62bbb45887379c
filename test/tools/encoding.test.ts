import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReadFileTool } from '../../src/tools/read-file';
import { createUpdateFileTool } from '../../src/tools/update-file';
import { createWriteFileTool } from '../../src/tools/write-file';
import { createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };
/** Latin-1 text: é is the single byte 0xE9 and ï 0xEF, neither valid UTF-8 alone. */
const latin1 = Buffer.from('caf\xe9 = 5 EUR\nna\xefve\n', 'latin1');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NOT_UTF8 = /legacy\.txt is not valid UTF-8 .*use bash: convert it \(e\.g\. iconv -f latin1 -t utf-8\)/;

describe('files that are not UTF-8', () => {
  it('are refused by update_file, in preview and execute, and keep their bytes', async () => {
    const cwd = await createTempWorkspace({ 'legacy.txt': latin1 });
    const tool = createUpdateFileTool({ cwd });
    const input = { path: 'legacy.txt', old_string: 'EUR', new_string: 'euros' };
    await expect(tool.preview!(input)).rejects.toThrow(NOT_UTF8);
    await expect(tool.execute(input, context)).rejects.toThrow(NOT_UTF8);
    expect(await readFile(path.join(cwd, 'legacy.txt'))).toEqual(latin1);
  });

  it('are refused by write_file when it would overwrite one, and keep their bytes', async () => {
    const cwd = await createTempWorkspace({ 'legacy.txt': latin1 });
    const tool = createWriteFileTool({ cwd });
    await expect(tool.execute({ path: 'legacy.txt', content: 'café\n' }, context)).rejects.toThrow(NOT_UTF8);
    expect(await readFile(path.join(cwd, 'legacy.txt'))).toEqual(latin1);
    expect(await readdir(cwd)).toEqual(['legacy.txt']);
  });

  it('are shown by read_file decoded as Latin-1, with a note saying so', async () => {
    const cwd = await createTempWorkspace({ 'legacy.txt': latin1 });
    const result = await createReadFileTool({ cwd }).execute({ path: 'legacy.txt' }, context);
    expect(result.output).toBe(
      '[legacy.txt is not valid UTF-8: shown decoded as Latin-1. update_file and write_file will refuse to change it; ' +
        'if it must change, use bash (e.g. iconv to convert it, or sed).]\n' +
        '    1\tcafé = 5 EUR\n    2\tnaïve',
    );
    expect(result.summary).toBe('2 lines, not UTF-8');
  });

  it('are decoded line by line when read by range because they are huge', async () => {
    const filler = Buffer.alloc(10 * 1024 * 1024 + 1, 'x\n');
    const cwd = await createTempWorkspace({ 'huge.log': Buffer.concat([latin1, Buffer.from('ok ✓\n'), filler]) });
    const tool = createReadFileTool({ cwd });
    const latin = await tool.execute({ path: 'huge.log', offset: 1, limit: 1 }, context);
    expect(latin.output.split('\n').slice(0, 2)).toEqual([expect.stringMatching(/^\[huge\.log is not valid UTF-8/), '    1\tcafé = 5 EUR']);
    const utf8 = await tool.execute({ path: 'huge.log', offset: 3, limit: 1 }, context);
    expect(utf8.output.split('\n')[0]).toBe('    3\tok ✓');
  });
});

describe('UTF-8 byte order mark', () => {
  const withBom = Buffer.concat([BOM, Buffer.from('first\nsecond\n')]);

  it('is kept, once, by update_file, and left out of the diff', async () => {
    const cwd = await createTempWorkspace({ 'bom.txt': withBom });
    const tool = createUpdateFileTool({ cwd });
    const input = { path: 'bom.txt', old_string: 'first', new_string: 'FIRST' };
    const preview = await tool.preview!(input);
    expect(preview.type === 'diff' && preview.diff).toBe('--- a/bom.txt\n+++ b/bom.txt\n@@ -1,2 +1,2 @@\n-first\n+FIRST\n second\n');
    await tool.execute(input, context);
    expect(await readFile(path.join(cwd, 'bom.txt'))).toEqual(Buffer.concat([BOM, Buffer.from('FIRST\nsecond\n')]));
  });

  it('is kept by write_file overwriting, whether or not the content starts with one', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': withBom, 'b.txt': withBom });
    const tool = createWriteFileTool({ cwd });
    await tool.execute({ path: 'a.txt', content: 'new\n' }, context);
    await tool.execute({ path: 'b.txt', content: '\uFEFFnew\n' }, context);
    const expected = Buffer.concat([BOM, Buffer.from('new\n')]);
    expect(await readFile(path.join(cwd, 'a.txt'))).toEqual(expected);
    expect(await readFile(path.join(cwd, 'b.txt'))).toEqual(expected);
  });

  it('is not added to a file that has none', async () => {
    const cwd = await createTempWorkspace({ 'plain.txt': 'old\n' });
    await createWriteFileTool({ cwd }).execute({ path: 'plain.txt', content: 'new\n' }, context);
    await createWriteFileTool({ cwd }).execute({ path: 'created.txt', content: 'new\n' }, context);
    expect(await readFile(path.join(cwd, 'plain.txt'))).toEqual(Buffer.from('new\n'));
    expect(await readFile(path.join(cwd, 'created.txt'))).toEqual(Buffer.from('new\n'));
  });

  it('is not shown by read_file, so snippets copied from line 1 match', async () => {
    const cwd = await createTempWorkspace({ 'bom.txt': withBom });
    const result = await createReadFileTool({ cwd }).execute({ path: 'bom.txt' }, context);
    expect(result.output).toBe('    1\tfirst\n    2\tsecond');
  });
});
