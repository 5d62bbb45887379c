import { readdir } from 'node:fs';
import { symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createGlobTool, type GlobInput } from '../../src/tools/glob';
import { denyReaddir } from '../helpers/deny-readdir';
import { addDeepTree, addFilePastPathMax, createTempWorkspace } from '../helpers/temp-workspace';

// Pass-through, so a test can make a folder unreadable (tests may run as root, who reads a 000 folder).
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

async function glob(cwd: string, input: GlobInput) {
  return createGlobTool({ cwd }).execute(input, context);
}

/** Sets a file's modification time to `secondsAgo` before a fixed moment. */
async function age(cwd: string, file: string, secondsAgo: number): Promise<void> {
  const time = new Date(Date.UTC(2024, 0, 1) - secondsAgo * 1000);
  await utimes(path.join(cwd, file), time, time);
}

describe('glob', () => {
  it('returns workspace-relative paths, most recently modified first', async () => {
    const cwd = await createTempWorkspace({ 'src/old.ts': '', 'src/new.ts': '', 'src/mid.ts': '', 'src/a.js': '' });
    await age(cwd, 'src/old.ts', 300);
    await age(cwd, 'src/mid.ts', 200);
    await age(cwd, 'src/new.ts', 100);
    const result = await glob(cwd, { pattern: '**/*.ts' });
    expect(result.output).toBe('src/new.ts\nsrc/mid.ts\nsrc/old.ts');
    expect(result.summary).toBe('3 files');
  });

  it('sorts files modified at the same moment by path', async () => {
    const cwd = await createTempWorkspace({ 'b.ts': '', 'a/z.ts': '', 'a.ts': '' });
    for (const file of ['b.ts', 'a/z.ts', 'a.ts']) await age(cwd, file, 0);
    expect((await glob(cwd, { pattern: '**/*.ts' })).output).toBe('a/z.ts\na.ts\nb.ts');
  });

  it('matches relative to path but reports workspace paths', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': '', 'src/deep/b.ts': '', 'c.ts': '' });
    expect((await glob(cwd, { pattern: '*.ts', path: 'src' })).output).toBe('src/a.ts');
  });

  it('includes dot files but never .git', async () => {
    const cwd = await createTempWorkspace({
      '.github/workflows/ci.yml': '',
      '.git/config': '',
      '.git/hooks/pre-commit.yml': '',
      'sub/.git/config': '',
    });
    expect((await glob(cwd, { pattern: '**/*' })).output).toBe('.github/workflows/ci.yml');
    expect((await glob(cwd, { pattern: '**/*', path: '.git' })).output).toBe('No files match **/* in .git.');
  });

  it('skips what root and nested .gitignore files ignore, honouring negations', async () => {
    const cwd = await createTempWorkspace({
      '.gitignore': 'node_modules/\n*.log\n!keep.log\n',
      'node_modules/pkg/index.ts': '',
      'packages/a/.gitignore': 'out/\ngenerated.ts\n',
      'packages/a/out/bundle.ts': '',
      'packages/a/generated.ts': '',
      'packages/a/index.ts': '',
      'packages/b/generated.ts': '',
      'debug.log': '',
      'logs/keep.log': '',
    });
    for (const file of ['packages/a/index.ts', 'packages/b/generated.ts', 'logs/keep.log']) await age(cwd, file, 0);
    const result = await glob(cwd, { pattern: '**/*.{ts,log}' });
    expect(result.output).toBe('logs/keep.log\npackages/a/index.ts\npackages/b/generated.ts');
  });

  it('applies the rules to patterns that start below the root or name files outright', async () => {
    const cwd = await createTempWorkspace({
      '.gitignore': 'build/\n*.log\n',
      'build/out.js': '',
      'packages/a/.gitignore': 'generated.ts\n',
      'packages/a/generated.ts': '',
      'packages/a/src/index.ts': '',
      'debug.log': '',
      '.git/config': '',
      'README.md': '',
    });
    // fast-glob walks these from build/ or packages/a/, never listing the directories above.
    expect((await glob(cwd, { pattern: 'build/**/*.js' })).output).toBe('No files match build/**/*.js.');
    expect((await glob(cwd, { pattern: 'packages/a/**/*.ts' })).output).toBe('packages/a/src/index.ts');
    // Patterns without wildcards are looked up directly rather than listed.
    expect((await glob(cwd, { pattern: '{debug.log,README.md,.git/config}' })).output).toBe('README.md');
    expect((await glob(cwd, { pattern: 'packages/a/generated.ts' })).output).toBe(
      'No files match packages/a/generated.ts.',
    );
  });

  it('searches an ignored directory when it is asked for by name', async () => {
    const cwd = await createTempWorkspace({ '.gitignore': 'node_modules/\n', 'node_modules/zod/index.d.ts': '' });
    const result = await glob(cwd, { pattern: '**/*.d.ts', path: 'node_modules/zod' });
    expect(result.output).toBe('node_modules/zod/index.d.ts');
  });

  it('does not follow symlinked directories out of the workspace', async () => {
    const outside = await createTempWorkspace({ 'secret.ts': '' });
    const cwd = await createTempWorkspace({ 'src/a.ts': '' });
    await symlink(outside, path.join(cwd, 'linked'));
    expect((await glob(cwd, { pattern: '**/*.ts' })).output).toBe('src/a.ts');
  });

  it('goes through a symlink in the pattern prefix that stays inside, and refuses one that leads out', async () => {
    const outside = await createTempWorkspace({ 'secret.ts': '' });
    const cwd = await createTempWorkspace({ 'src/a.ts': '' });
    await symlink('src', path.join(cwd, 'alias'));
    await symlink(outside, path.join(cwd, 'linked'));
    expect((await glob(cwd, { pattern: 'alias/*.ts' })).output).toBe('alias/a.ts');
    await expect(glob(cwd, { pattern: 'linked/*.ts' })).rejects.toThrow(
      'The pattern linked/*.ts goes through linked, which leads outside the workspace',
    );
  });

  it('says when nothing matches', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': '' });
    expect(await glob(cwd, { pattern: '**/*.rs', path: 'src' })).toEqual({
      output: 'No files match **/*.rs in src.',
      summary: '0 files',
    });
  });

  it('caps the result at 1000 paths, keeping the newest', async () => {
    const cwd = await createTempWorkspace(
      Object.fromEntries(Array.from({ length: 1005 }, (_, index) => [`f${String(index).padStart(4, '0')}.txt`, ''])),
    );
    await age(cwd, 'f0000.txt', 0);
    for (let index = 1; index < 1005; index++) await age(cwd, `f${String(index).padStart(4, '0')}.txt`, 60);
    const lines = (await glob(cwd, { pattern: '*.txt' })).output.split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[0]).toBe('f0000.txt');
    expect(lines[999]).toBe('f0999.txt');
    expect(lines[1000]).toBe(
      '[Showing the 1000 most recently modified of 1005 files. Narrow the pattern or path to see the rest.]',
    );
  });

  it('refuses patterns and paths that leave the workspace, and file paths', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': '' });
    await expect(glob(cwd, { pattern: '../**/*' })).rejects.toThrow(/must stay inside path/);
    await expect(glob(cwd, { pattern: '/etc/*' })).rejects.toThrow(/must stay inside path/);
    await expect(glob(cwd, { pattern: '*', path: '..' })).rejects.toThrow(/outside the workspace/);
    await expect(glob(cwd, { pattern: '*', path: 'src/a.ts' })).rejects.toThrow(
      'src/a.ts is a file; glob needs a directory as path.',
    );
  });

  it('stops when the signal aborts', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': '' });
    const controller = new AbortController();
    controller.abort(new Error('user pressed escape'));
    const running = createGlobTool({ cwd }).execute({ pattern: '**/*' }, { ...context, signal: controller.signal });
    await expect(running).rejects.toThrow('user pressed escape');
  });

  it('describes the call by pattern and directory', async () => {
    const tool = createGlobTool({ cwd: await createTempWorkspace() });
    expect(tool.name).toBe('glob');
    expect(tool.kind).toBe('read-only');
    expect(tool.describe({ pattern: '**/*.ts', path: 'src' })).toBe('**/*.ts in src');
    expect(tool.describe({ pattern: '**/*.ts' })).toBe('**/*.ts');
  });
});

describe('glob over folders it cannot read', () => {
  const note = (reason: string) =>
    new RegExp(`\\[Could not read 1 folder, so what it holds is missing from these results: ${reason}\\.\\]$`);
  const tooLong = 'd{40}…d{39} \\(path too long: \\d+ levels, \\d+ characters\\)';

  it('lists what it reached in a tree deeper than PATH_MAX and names the folder it could not read', async () => {
    const cwd = await createTempWorkspace({ 'top.txt': 'needle\n' });
    addDeepTree(cwd, { depth: 25, files: { 'deep.txt': 'needle deep\n' } });
    const all = await glob(cwd, { pattern: '**/*.txt' });
    expect(all.output).toMatch(new RegExp(`^top\\.txt\\n${note(tooLong).source}`));
    expect(all.summary).toBe('1 file');
    const deep = await glob(cwd, { pattern: '**/deep.txt' });
    expect(deep.output).toMatch(new RegExp(`^No files match \\*\\*/deep\\.txt\\.\\n${note(tooLong).source}`));
  });

  it('names a file it listed but could not stat, its path too long', async () => {
    const cwd = await createTempWorkspace({ 'top.txt': '' });
    addFilePastPathMax(cwd, 'x');
    const result = await glob(cwd, { pattern: '**/*.txt' });
    expect(result.output).toMatch(
      /^top\.txt\n\[Could not read 1 file, so what it holds is missing from these results: d{40}…f{35}\.txt \(path too long: \d+ levels, \d+ characters\)\.\]$/,
    );
  });

  it('names folders it may not read and still lists the rest, but says nothing of one that vanished', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': '', 'locked/secret.ts': '', 'src/locked/b.ts': '', 'gone/c.ts': '', 'src/d.ts': '' });
    denyReaddir(vi.mocked(readdir), { locked: 'EACCES', gone: 'ENOENT' });
    const result = await glob(cwd, { pattern: '**/*.ts' });
    expect(result.output.split('\n').slice(0, 2).sort()).toEqual(['a.ts', 'src/d.ts']);
    expect(result.output.split('\n')[2]).toBe(
      '[Could not read 2 folders, so what they hold is missing from these results: ' +
        'locked (permission denied); src/locked (permission denied).]',
    );
  });
});
