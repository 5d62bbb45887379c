import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReadFileTool, type ReadFileInput } from '../../src/tools/read-file';
import { createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

async function read(files: Record<string, string | Buffer>, input: ReadFileInput) {
  const cwd = await createTempWorkspace(files);
  return createReadFileTool({ cwd }).execute(input, context);
}

function numbered(from: number, count: number): string {
  return Array.from({ length: count }, (_, index) => `line ${from + index}`).join('\n');
}

describe('read_file', () => {
  it('shows every line numbered, with a line count as summary', async () => {
    const result = await read({ 'src/app.ts': 'const a = 1;\n\tindented\n' }, { path: 'src/app.ts' });
    expect(result.output).toBe('    1\tconst a = 1;\n    2\t\tindented');
    expect(result.summary).toBe('2 lines');
  });

  it('strips CRLF line endings and keeps a last line without newline', async () => {
    const result = await read({ 'a.txt': 'one\r\ntwo\r\nthree' }, { path: 'a.txt' });
    expect(result.output).toBe('    1\tone\n    2\ttwo\n    3\tthree');
  });

  it('shows a window from offset and says how to read on', async () => {
    const result = await read({ 'a.txt': `${numbered(1, 10)}\n` }, { path: 'a.txt', offset: 3, limit: 2 });
    expect(result.output).toBe('    3\tline 3\n    4\tline 4\n[Showing lines 3-4 of 10. Use offset=5 to read more.]');
    expect(result.summary).toBe('lines 3-4 of 10');
  });

  it('reads the last window without a continuation line', async () => {
    const result = await read({ 'a.txt': numbered(1, 10) }, { path: 'a.txt', offset: 9 });
    expect(result.output).toBe('    9\tline 9\n   10\tline 10');
    expect(result.summary).toBe('lines 9-10 of 10');
  });

  it('stops at 2000 lines by default', async () => {
    const result = await read({ 'big.txt': numbered(1, 2500) }, { path: 'big.txt' });
    const lines = result.output.split('\n');
    expect(lines).toHaveLength(2001);
    expect(lines[1999]).toBe(' 2000\tline 2000');
    expect(lines[2000]).toBe('[Showing lines 1-2000 of 2500. Use offset=2001 to read more.]');
    expect(result.summary).toBe('lines 1-2000 of 2500');
  });

  it('cuts lines longer than 2000 characters with a marker', async () => {
    const result = await read({ 'min.js': `${'x'.repeat(2500)}\nshort\n` }, { path: 'min.js' });
    const [first, second] = result.output.split('\n');
    expect(first).toBe(`    1\t${'x'.repeat(2000)}… [line cut at 2000 characters]`);
    expect(second).toBe('    2\tshort');
  });

  it('caps the output at 256 KiB and points at the next offset', async () => {
    const line = 'y'.repeat(1000);
    const result = await read({ 'wide.txt': Array.from({ length: 1000 }, () => line).join('\n') }, { path: 'wide.txt' });
    expect(Buffer.byteLength(result.output)).toBeLessThan(256 * 1024 + 200);
    const lines = result.output.split('\n');
    const shown = lines.length - 1;
    expect(shown).toBeGreaterThan(200);
    expect(lines.at(-1)).toBe(
      `[Showing lines 1-${shown} of 1000 (output capped at 256 KiB). Use offset=${shown + 1} to read more.]`,
    );
    expect(lines.at(-2)).toBe(`${String(shown).padStart(5)}\t${line}`);
  });

  it('says when a file is empty', async () => {
    const result = await read({ 'empty.txt': '' }, { path: 'empty.txt' });
    expect(result).toEqual({ output: 'empty.txt is empty (0 bytes).', summary: 'empty' });
  });

  it('refuses binary files', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]);
    await expect(read({ 'logo.png': bytes }, { path: 'logo.png' })).rejects.toThrow(
      'logo.png is a binary file (7 bytes); read_file shows text only.',
    );
  });

  it('refuses directories and points at list_dir', async () => {
    await expect(read({ 'src/a.ts': '' }, { path: 'src' })).rejects.toThrow('src is a directory; use list_dir');
  });

  it('suggests a file that differs only in extension', async () => {
    await expect(read({ 'src/x.tsx': 'x' }, { path: 'src/x.ts' })).rejects.toThrow(
      'No file at src/x.ts. Did you mean src/x.tsx?',
    );
  });

  it('suggests a file that differs only in case', async () => {
    await expect(read({ 'README.md': 'x' }, { path: 'readme.md' })).rejects.toThrow(
      'No file at readme.md. Did you mean README.md?',
    );
  });

  it('points at list_dir and glob when nothing similar exists', async () => {
    await expect(read({ 'src/a.ts': 'x' }, { path: 'src/nope.ts' })).rejects.toThrow(
      'No file at src/nope.ts. Use list_dir or glob to find the right path.',
    );
    await expect(read({ 'src/a.ts': 'x' }, { path: 'lib/nope.ts' })).rejects.toThrow(
      'No file at lib/nope.ts, and its directory does not exist either.',
    );
  });

  it('refuses an offset past the end', async () => {
    await expect(read({ 'a.txt': 'a\nb\nc\n' }, { path: 'a.txt', offset: 10 })).rejects.toThrow(
      'a.txt has 3 lines; offset 10 is past the end.',
    );
  });

  it('refuses paths outside the workspace', async () => {
    await expect(read({ 'a.txt': 'a' }, { path: '../a.txt' })).rejects.toThrow(/outside the workspace/);
  });

  it('refuses to read a file over 10 MiB whole but streams a line range of it', async () => {
    const text = `${numbered(1, 1_200_000)}\n`;
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const cwd = await createTempWorkspace({ 'huge.log': text });
    const tool = createReadFileTool({ cwd });
    await expect(tool.execute({ path: 'huge.log' }, context)).rejects.toThrow(
      /huge\.log is 1\d\.\d MiB, over the 10 MiB limit for reading whole\. Use grep/,
    );
    const result = await tool.execute({ path: 'huge.log', offset: 1_000_000, limit: 2 }, context);
    expect(result.output).toMatch(
      /^1000000\tline 1000000\n1000001\tline 1000001\n\[Showing lines 1000000-1000001 of a 1\d\.\d MiB file\. Use offset=1000002 to read more\.\]$/,
    );
    const tail = await tool.execute({ path: 'huge.log', offset: 1_199_999 }, context);
    expect(tail.output).toBe('1199999\tline 1199999\n1200000\tline 1200000');
    expect(tail.summary).toBe('lines 1199999-1200000 of 1200000');
  });

  it('reads around a 200 MiB line in bounded memory, cutting it with a note', async () => {
    const cwd = await createTempWorkspace();
    const file = path.join(cwd, 'one-line.json');
    const size = 200 * 1024 * 1024;
    // Written in chunks: a string of the line is what this guards against.
    const out = createWriteStream(file);
    out.write('first\n');
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (let written = 0; written < size; written += chunk.length) if (!out.write(chunk)) await once(out, 'drain');
    out.end('\nlast\n');
    await once(out, 'finish');
    try {
      const tool = createReadFileTool({ cwd });
      const heapBefore = process.memoryUsage().heapUsed;
      const result = await tool.execute({ path: 'one-line.json', offset: 1, limit: 3 }, context);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
      const [first, long, last] = result.output.split('\n');
      expect(first).toBe('    1\tfirst');
      expect(long).toBe(`    2\t${'a'.repeat(2000)}… [line cut at 2000 characters of 200 MiB; see other parts of it with bash, e.g. cut -c or grep -o]`);
      expect(last).toBe('    3\tlast');
      expect(result.summary).toBe('3 lines');
      await expect(tool.execute({ path: 'one-line.json', offset: 4, limit: 1 }, context)).rejects.toThrow('one-line.json has 3 lines; offset 4 is past the end.');
    } finally {
      await rm(file);
    }
  }, 60_000);

  it('describes the call by path and line range', async () => {
    const cwd = await createTempWorkspace();
    const tool = createReadFileTool({ cwd });
    expect(tool.name).toBe('read_file');
    expect(tool.kind).toBe('read-only');
    expect(tool.describe({ path: 'src/app.ts' })).toBe('src/app.ts');
    expect(tool.describe({ path: 'src/app.ts', offset: 100, limit: 101 })).toBe('src/app.ts:100-200');
    expect(tool.describe({ path: path.join(cwd, 'src', 'app.ts'), offset: 5 })).toBe('src/app.ts:5-');
  });
});
