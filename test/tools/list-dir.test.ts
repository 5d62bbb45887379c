import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createListDirTool, type ListDirInput } from '../../src/tools/list-dir';
import { addDeepTree, addFilePastPathMax, createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

async function list(cwd: string, input: ListDirInput = {}) {
  return createListDirTool({ cwd }).execute(input, context);
}

describe('list_dir', () => {
  it('lists directories first with a trailing slash, then files, each sorted', async () => {
    const cwd = await createTempWorkspace({
      'package.json': '{}',
      'README.md': '',
      '.env.example': '',
      'src/app.ts': '',
      'docs/guide.md': '',
      '.github/workflows/ci.yml': '',
    });
    await symlink('src/app.ts', path.join(cwd, 'main.ts'));
    const result = await list(cwd);
    expect(result.output).toBe(
      ['.github/', 'docs/', 'src/', '.env.example', 'README.md', 'main.ts -> src/app.ts', 'package.json'].join('\n'),
    );
    expect(result.summary).toBe('7 entries');
  });

  it('leaves out .git and gitignored entries, and counts them', async () => {
    const cwd = await createTempWorkspace({
      '.gitignore': 'dist/\n*.log\n!keep.log\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'dist/app.js': '',
      'debug.log': '',
      'keep.log': '',
      'src/app.ts': '',
    });
    const result = await list(cwd, { path: '.' });
    expect(result.output).toBe(['src/', '.gitignore', 'keep.log', '(3 ignored entries not shown)'].join('\n'));
    expect(result.summary).toBe('3 entries');
  });

  it('applies the .gitignore files from the root down to the listed directory', async () => {
    const cwd = await createTempWorkspace({
      '.gitignore': '*.log\n',
      'src/.gitignore': 'generated.ts\n',
      'src/generated.ts': '',
      'src/app.ts': '',
      'src/trace.log': '',
    });
    const result = await list(cwd, { path: 'src' });
    expect(result.output).toBe(['.gitignore', 'app.ts', '(2 ignored entries not shown)'].join('\n'));
  });

  it('lists a directory the rules ignore when it is asked for by name', async () => {
    const cwd = await createTempWorkspace({ '.gitignore': 'node_modules/\n', 'node_modules/zod/package.json': '{}' });
    const result = await list(cwd, { path: 'node_modules/zod' });
    expect(result.output).toBe('package.json');
  });

  it('caps the listing at 1000 entries', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 1005 }, (_, index) => [`f${String(index).padStart(4, '0')}.txt`, '']),
    );
    const result = await list(await createTempWorkspace(files));
    const lines = result.output.split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[999]).toBe('f0999.txt');
    expect(lines[1000]).toBe('[Showing 1000 of 1005 entries. Use glob with a pattern to narrow down.]');
    expect(result.summary).toBe('1005 entries');
  });

  it('says when a directory is empty', async () => {
    const cwd = await createTempWorkspace();
    await mkdir(path.join(cwd, 'empty'));
    expect(await list(cwd, { path: 'empty' })).toEqual({ output: '(empty directory)', summary: '0 entries' });
  });

  it('refuses files, missing paths and paths outside the workspace', async () => {
    const cwd = await createTempWorkspace({ 'src/app.ts': '' });
    await expect(list(cwd, { path: 'src/app.ts' })).rejects.toThrow(
      'src/app.ts is a file, not a directory; use read_file to read it.',
    );
    await expect(list(cwd, { path: 'lib' })).rejects.toThrow('No file or directory at lib. Use list_dir or glob');
    await expect(list(cwd, { path: '..' })).rejects.toThrow(/outside the workspace/);
  });

  it('describes the call by its directory', async () => {
    const tool = createListDirTool({ cwd: await createTempWorkspace() });
    expect(tool.name).toBe('list_dir');
    expect(tool.kind).toBe('read-only');
    expect(tool.describe({})).toBe('.');
    expect(tool.describe({ path: 'src' })).toBe('src');
  });

  it('refuses a folder whose path is too long for the system in one short line, and lists the deepest it can reach', async () => {
    const cwd = await createTempWorkspace();
    const chain = addDeepTree(cwd, { depth: 25 });
    const error = await list(cwd, { path: chain }).then(() => undefined, (reason: Error) => reason);
    expect(error?.message).toMatch(
      /^The path d{40}…d{39} \(5024 characters\) is longer than the system allows, so shoal's file tools cannot open it; bash can reach it by cd-ing into it a few folders at a time\.$/,
    );
    const other = await createTempWorkspace();
    const file = addFilePastPathMax(other, 'x');
    const result = await list(other, { path: path.posix.dirname(file) });
    expect(result.output).toBe(path.posix.basename(file));
  });
});
