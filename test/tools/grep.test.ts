import { readdir } from 'node:fs';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { comparePaths } from '../../src/workspace/find-files';
import { createGrepTool, type GrepInput } from '../../src/tools/grep';
import type { GrepQuery } from '../../src/tools/grep/query';
import { buildRipgrepArgs, parseRipgrepOutput, parseRipgrepPathError, searchWithRipgrep } from '../../src/tools/grep/ripgrep';
import { denyReaddir } from '../helpers/deny-readdir';
import { isAlive, readLine } from '../helpers/processes';
import { addDeepTree, addFilePastPathMax, createTempWorkspace } from '../helpers/temp-workspace';

// Pass-through, so a test can make a folder unreadable (tests may run as root, who reads a 000 folder).
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

async function grep(cwd: string, input: GrepInput, timeLimitMs?: number) {
  return createGrepTool({ cwd, backend: 'builtin', timeLimitMs }).execute(input, context);
}

const query: GrepQuery = { pattern: 'TODO', ignoreCase: false, include: undefined, contextLines: 0, maxResults: 200 };

/** A stand-in rg that records its arguments and prints `output`. */
async function createFakeRipgrep(output: string, exitCode: number, stderr = ''): Promise<{ command: string; argsFile: string }> {
  const dir = await createTempWorkspace({ 'out.txt': output, 'err.txt': stderr });
  const command = path.join(dir, 'rg');
  const argsFile = path.join(dir, 'args.txt');
  await writeFile(
    command,
    `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > "${argsFile}"\ncat "${dir}/out.txt"\ncat "${dir}/err.txt" >&2\nexit ${exitCode}\n`,
  );
  await chmod(command, 0o755);
  return { command, argsFile };
}

describe('grep (built-in search)', () => {
  it('finishes a catastrophically backtracking pattern quickly instead of hanging', async () => {
    const cwd = await createTempWorkspace({ 'evil.txt': `${'a'.repeat(40)}!\nplain line\n${'a'.repeat(20)}\n` });
    const started = performance.now();
    const result = await grep(cwd, { pattern: '(a+)+$' });
    const refused = grep(cwd, { pattern: '(a+)+$', ignoreCase: true });
    await expect(refused).rejects.toThrow('nests repetition');
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.output).toContain(`evil.txt:3:${'a'.repeat(20)}`);
    expect(result.output).not.toContain('evil.txt:1:');
  });

  it('prints path:line:content grouped by file in path order', async () => {
    const cwd = await createTempWorkspace({
      'src/b.ts': 'const b = 1; // TODO b\n',
      'src/a.ts': '// TODO first\nconst a = 1;\n// TODO second\n',
      'src/a/inner.ts': 'nothing here\n',
      'README.md': 'See TODO list\r\n',
    });
    const result = await grep(cwd, { pattern: 'TODO' });
    expect(result.output).toBe(
      ['README.md:1:See TODO list', 'src/a.ts:1:// TODO first', 'src/a.ts:3:// TODO second', 'src/b.ts:1:const b = 1; // TODO b'].join('\n'),
    );
    expect(result.summary).toBe('4 matches in 3 files');
  });

  it('shows context lines with "-" and separates groups with "--"', async () => {
    const lines = Array.from({ length: 20 }, (_, index) => `line ${index + 1}`);
    lines[2] = 'match one';
    lines[3] = 'match two';
    lines[14] = 'match three';
    const cwd = await createTempWorkspace({ 'a.txt': `${lines.join('\n')}\n`, 'b.txt': 'match four\n' });
    const result = await grep(cwd, { pattern: '^match', contextLines: 1 });
    expect(result.output).toBe(
      [
        'a.txt-2-line 2',
        'a.txt:3:match one',
        'a.txt:4:match two',
        'a.txt-5-line 5',
        '--',
        'a.txt-14-line 14',
        'a.txt:15:match three',
        'a.txt-16-line 16',
        '--',
        'b.txt:1:match four',
      ].join('\n'),
    );
    expect(result.summary).toBe('4 matches in 2 files');
  });

  it('filters files with include and matches case-insensitively on request', async () => {
    const cwd = await createTempWorkspace({
      'src/a.ts': 'Todo: a\n',
      'src/deep/b.ts': 'TODO: b\n',
      'src/c.md': 'todo: c\n',
    });
    const result = await grep(cwd, { pattern: 'todo', include: '*.ts', ignoreCase: true });
    expect(result.output).toBe('src/a.ts:1:Todo: a\nsrc/deep/b.ts:1:TODO: b');
    expect((await grep(cwd, { pattern: '(?i)todo', include: '*.md' })).output).toBe('src/c.md:1:todo: c');
    expect((await grep(cwd, { pattern: 'todo', include: '*.ts' })).output).toBe('No matches for /todo/ (*.ts).');
    // A glob with "/" is matched from the searched path, as written.
    expect((await grep(cwd, { pattern: 'todo', include: 'src/deep/*.ts', ignoreCase: true })).output).toBe(
      'src/deep/b.ts:1:TODO: b',
    );
  });

  it('does not follow symlinks, which could lead out of the workspace', async () => {
    const outside = await createTempWorkspace({ 'secret.ts': 'needle\n' });
    const cwd = await createTempWorkspace({ 'src/a.ts': 'needle\n' });
    await symlink(outside, path.join(cwd, 'linked'));
    await symlink(path.join(outside, 'secret.ts'), path.join(cwd, 'secret.ts'));
    expect((await grep(cwd, { pattern: 'needle' })).output).toBe('src/a.ts:1:needle');
  });

  it('skips .git, gitignored and binary files', async () => {
    const cwd = await createTempWorkspace({
      '.gitignore': 'dist/\n',
      '.git/COMMIT_EDITMSG': 'needle\n',
      'dist/app.js': 'needle\n',
      'pkg/.gitignore': '*.gen.ts\n',
      'pkg/types.gen.ts': 'needle\n',
      'pkg/index.ts': 'needle\n',
      'logo.png': Buffer.concat([Buffer.from('needle\n'), Buffer.from([0, 1, 2])]),
      '.env.example': 'needle=1\n',
    });
    const result = await grep(cwd, { pattern: 'needle' });
    expect(result.output).toBe('.env.example:1:needle=1\npkg/index.ts:1:needle');
  });

  it('searches a single file given as path', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': 'x\nneedle\n', 'src/b.ts': 'needle\n' });
    const result = await grep(cwd, { pattern: 'needle', path: 'src/a.ts' });
    expect(result).toEqual({ output: 'src/a.ts:2:needle', summary: '1 match in 1 file' });
  });

  it('stops at maxResults in path order and says there are more', async () => {
    const cwd = await createTempWorkspace({
      'a.txt': 'hit 1\nhit 2\n',
      'b.txt': 'hit 3\nafter\nhit 4\n',
      'c.txt': 'hit 5\n',
    });
    const result = await grep(cwd, { pattern: 'hit', maxResults: 3, contextLines: 1 });
    expect(result.output).toBe(
      [
        'a.txt:1:hit 1',
        'a.txt:2:hit 2',
        '--',
        'b.txt:1:hit 3',
        'b.txt-2-after',
        '[Stopped at 3 matches; there are more. Narrow the pattern, path or include, or raise maxResults (up to 2000).]',
      ].join('\n'),
    );
    expect(result.summary).toBe('3 matches in 2 files (capped)');
    const exact = await grep(cwd, { pattern: 'hit', maxResults: 5 });
    expect(exact.summary).toBe('5 matches in 3 files');
    expect(exact.output).not.toContain('[Stopped');
  });

  it('keeps path order across many files searched concurrently', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 60 }, (_, index) => [`f${String(index).padStart(2, '0')}.txt`, `${'filler\n'.repeat(index * 50)}hit\n`]),
    );
    const cwd = await createTempWorkspace(files);
    const result = await grep(cwd, { pattern: 'hit', maxResults: 10 });
    const paths = result.output.split('\n').slice(0, 10).map((line) => line.split(':')[0]);
    expect(paths).toEqual(Array.from({ length: 10 }, (_, index) => `f${String(index).padStart(2, '0')}.txt`));
  });

  it('keeps path order and the maxResults cut across top-level directories and jobs', async () => {
    const names = ['b', 'a', 'a-b', 'B', '.hidden'];
    const files: Record<string, string> = { 'a.ts': 'hit\n', 'a-b.txt': 'hit\n', 'z.md': 'hit\n' };
    for (const name of names) {
      for (let index = 0; index < 150; index++) files[`${name}/m${index % 3}/f${String(index).padStart(3, '0')}.txt`] = 'hit\n';
    }
    const cwd = await createTempWorkspace(files);
    // "/" sorts before every other character: a/… then a-b/… then a-b.txt, a.ts; uppercase before lowercase.
    const expected = Object.keys(files).sort(comparePaths);
    expect(expected.slice(0, 3)).toEqual(['.hidden/m0/f000.txt', '.hidden/m0/f003.txt', '.hidden/m0/f006.txt']);
    const all = await grep(cwd, { pattern: 'hit', maxResults: 2000 });
    const paths = all.output.split('\n').map((line) => line.split(':')[0]!);
    expect([...new Set(paths.map((found) => found.split('/')[0]))]).toEqual(
      ['.hidden', 'B', 'a', 'a-b', 'a-b.txt', 'a.ts', 'b', 'z.md'],
    );
    expect(paths).toEqual(expected);
    const cut = await grep(cwd, { pattern: 'hit', maxResults: 400 });
    expect(cut.output.split('\n').slice(0, 400).map((line) => line.split(':')[0])).toEqual(expected.slice(0, 400));
    expect(cut.summary).toBe('400 matches in 400 files (capped)');
  });

  it('cuts long lines at 500 characters', async () => {
    const cwd = await createTempWorkspace({ 'min.js': `needle${'x'.repeat(1000)}\n` });
    const result = await grep(cwd, { pattern: 'needle' });
    expect(result.output).toBe(`min.js:1:needle${'x'.repeat(494)}… [line cut at 500 characters]`);
  });

  it('supports Unicode property escapes and patterns only legal outside Unicode mode', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'Grüße\nfoo-bar\n' });
    expect((await grep(cwd, { pattern: '\\p{Lu}\\p{Ll}+ße' })).output).toBe('a.txt:1:Grüße');
    expect((await grep(cwd, { pattern: 'foo\\-bar' })).output).toBe('a.txt:2:foo-bar');
  });

  it('finds matches that depend on line boundaries', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': 'export const a = 1;\n  export const b = 2;\nend;\n' });
    expect((await grep(cwd, { pattern: '^export' })).output).toBe('a.ts:1:export const a = 1;');
    expect((await grep(cwd, { pattern: '2;$' })).output).toBe('a.ts:2:  export const b = 2;');
    expect((await grep(cwd, { pattern: '2;(?!\\s)' })).output).toBe('a.ts:2:  export const b = 2;');
  });

  it('explains an invalid regex instead of throwing a SyntaxError', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'x\n' });
    const failing = grep(cwd, { pattern: 'load(' });
    await expect(failing).rejects.toThrow(
      'Invalid regex "load(": Unterminated group. Fix the pattern, or escape ( ) [ ] { } . * + ? | with a backslash',
    );
    await expect(failing).rejects.not.toBeInstanceOf(SyntaxError);
  });

  it('says results are partial when the time limit passes', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'needle\n' });
    const result = await grep(cwd, { pattern: 'needle' }, 0);
    expect(result.output).toBe(
      'No matches for /needle/.\n[Search stopped after 0 s; results are partial. Use a simpler pattern or a narrower path or include.]',
    );
    expect(result.summary).toBe('0 matches in 0 files (partial)');
  });

  it('names text files skipped for size, but not big binaries', async () => {
    const cwd = await createTempWorkspace({
      'big.log': 'needle\n'.repeat(800_000),
      'bin/tool': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.alloc(6 * 1024 * 1024, 0x61)]),
      'a.txt': 'needle\n',
    });
    const result = await grep(cwd, { pattern: 'needle' });
    expect(result.output).toBe(
      'a.txt:1:needle\n[Skipped 1 file over 5 MiB (big.log); read_file with offset and limit reads them.]',
    );
  });

  it('refuses paths outside the workspace and includes that leave the path', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'x\n' });
    await expect(grep(cwd, { pattern: 'x', path: '../' })).rejects.toThrow(/outside the workspace/);
    await expect(grep(cwd, { pattern: 'x', include: '../*.txt' })).rejects.toThrow(/must stay inside path/);
    await expect(grep(cwd, { pattern: 'x', path: 'missing' })).rejects.toThrow('No file or directory at missing.');
  });

  it('stops when the signal aborts', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'needle\n' });
    const controller = new AbortController();
    controller.abort(new Error('user pressed escape'));
    const tool = createGrepTool({ cwd, backend: 'builtin' });
    await expect(tool.execute({ pattern: 'needle' }, { ...context, signal: controller.signal })).rejects.toThrow(
      'user pressed escape',
    );
  });

  it('describes the call as a regex with its scope', async () => {
    const tool = createGrepTool({ cwd: await createTempWorkspace() });
    expect(tool.name).toBe('grep');
    expect(tool.kind).toBe('read-only');
    expect(tool.describe({ pattern: 'TODO', path: 'src', include: '*.ts' })).toBe('/TODO/ in src (*.ts)');
    expect(tool.describe({ pattern: 'todo', ignoreCase: true })).toBe('/todo/i');
  });
});

describe('grep (ripgrep backend)', () => {
  it('builds rg arguments that mirror the built-in search', () => {
    expect(buildRipgrepArgs({ ...query, pattern: '-v|TODO', include: '*.ts', ignoreCase: true, contextLines: 2 }, 'src')).toEqual([
      '--line-number',
      '--with-filename',
      '--no-heading',
      '--null',
      '--color=never',
      '--hidden',
      '--no-require-git',
      '--glob=!.git',
      '--max-columns=2000',
      '--max-columns-preview',
      '--max-count=201',
      '--ignore-case',
      '--context=2',
      '--glob=*.ts',
      '--regexp',
      '-v|TODO',
      '--',
      'src',
    ]);
    const plain = buildRipgrepArgs(query, '.');
    expect(plain).toContain('--case-sensitive');
    expect(plain.some((arg) => arg.startsWith('--context') || arg.startsWith('--glob=*'))).toBe(false);
  });

  it('parses recorded rg --null output, paths with colons included', () => {
    const recorded =
      './src/a.ts\x001:// TODO first\n' +
      './src/a.ts\x002-const a = 1;\r\n' +
      '--\n' +
      './odd:name.ts\x0010:x = "a:b-c"\n';
    expect(parseRipgrepOutput(recorded)).toEqual([
      { path: 'src/a.ts', line: 1, text: '// TODO first', isMatch: true },
      { path: 'src/a.ts', line: 2, text: 'const a = 1;', isMatch: false },
      { path: 'odd:name.ts', line: 10, text: 'x = "a:b-c"', isMatch: true },
    ]);
  });

  it('sorts the per-file groups of rg by path, as rg runs threads and prints files as they finish', async () => {
    const root = await createTempWorkspace();
    const fake = await createFakeRipgrep('./src/z.ts\x002:TODO z\n./src/z.ts\x009:TODO z2\n./a.ts\x001:TODO a\n./src/b.ts\x004:TODO b\n', 0);
    const result = await searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: fake.command });
    expect(result.lines.map((line) => `${line.path}:${line.line}`)).toEqual(['a.ts:1', 'src/b.ts:4', 'src/z.ts:2', 'src/z.ts:9']);
  });

  it('runs rg in the workspace root and streams its output into lines', async () => {
    const root = await createTempWorkspace();
    const fake = await createFakeRipgrep('./a.ts\x001:TODO one\n./b.ts\x003:TODO two\n', 0);
    const result = await searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: fake.command });
    expect(result.lines).toEqual([
      { path: 'a.ts', line: 1, text: 'TODO one', isMatch: true },
      { path: 'b.ts', line: 3, text: 'TODO two', isMatch: true },
    ]);
    const [cwd, ...args] = (await readFile(fake.argsFile, 'utf8')).trimEnd().split('\n');
    expect(cwd).toBe(root);
    expect(args).toEqual(buildRipgrepArgs(query, '.'));
  });

  it('stops reading one match past maxResults', async () => {
    const root = await createTempWorkspace();
    const output = Array.from({ length: 50 }, (_, index) => `a.ts\x00${index + 1}:hit`).join('\n');
    const fake = await createFakeRipgrep(`${output}\n`, 0);
    const result = await searchWithRipgrep({
      root,
      searchPath: '.',
      query: { ...query, maxResults: 5 },
      signal: context.signal,
      command: fake.command,
    });
    expect(result.lines.map((line) => line.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('runs rg again in path order when more matches came than it reads ahead, so the first ones are the first by path', async () => {
    const root = await createTempWorkspace();
    const paths = Array.from({ length: 60 }, (_, index) => `f${String(index).padStart(2, '0')}.ts`);
    const print = (order: string[]) => order.map((file) => `${file}\x001:hit`).join('\n') + '\n';
    // Threads finish in any order: unsorted, the last files come first.
    const fake = await createTempWorkspace({ 'unsorted.txt': print([...paths].reverse()), 'sorted.txt': print(paths) });
    const command = path.join(fake, 'rg');
    await writeFile(
      command,
      `#!/bin/sh\necho "$1" >> "${fake}/runs.txt"\nif [ "$1" = --sort=path ]; then cat "${fake}/sorted.txt"; else cat "${fake}/unsorted.txt"; fi\n`,
    );
    await chmod(command, 0o755);
    const result = await searchWithRipgrep({ root, searchPath: '.', query: { ...query, maxResults: 2 }, signal: context.signal, command });
    expect(result.lines.map((line) => line.path)).toEqual(['f00.ts', 'f01.ts', 'f02.ts']);
    expect((await readFile(path.join(fake, 'runs.txt'), 'utf8')).split('\n')[1]).toBe('--sort=path');
    // Within the read-ahead, one run is enough.
    const few = await searchWithRipgrep({ root, searchPath: '.', query: { ...query, maxResults: 30 }, signal: context.signal, command });
    expect(few.lines.map((line) => line.path).slice(0, 3)).toEqual(['f00.ts', 'f01.ts', 'f02.ts']);
    expect((await readFile(path.join(fake, 'runs.txt'), 'utf8')).trimEnd().split('\n')).toHaveLength(3);
  });

  it('stops a running rg when the signal aborts, and rejects with its reason', async () => {
    const root = await createTempWorkspace();
    const fake = await createTempWorkspace();
    const command = path.join(fake, 'rg');
    // Hangs as rg on a huge tree would; the pid file shows whether it was stopped.
    await writeFile(command, `#!/bin/sh\necho $$ > "${fake}/pid"\nexec sleep 30\n`);
    await chmod(command, 0o755);
    const controller = new AbortController();
    const search = searchWithRipgrep({ root, searchPath: '.', query, signal: controller.signal, command });
    // A whole line, not just the file: echo creates it before it writes, and a pid read
    // as '' is 0, which names this process group and is always alive.
    const pid = Number(await readLine(path.join(fake, 'pid')));
    const started = performance.now();
    controller.abort(new Error('user pressed escape'));
    await expect(search).rejects.toThrow('user pressed escape');
    expect(performance.now() - started).toBeLessThan(10_000);
    // Killed, and gone once the system has reaped it (a busy machine takes a moment).
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 20_000 });
  });

  it('keeps a character whole when rg\'s output splits it between two reads', async () => {
    const root = await createTempWorkspace();
    // 70,000 bytes of ASCII before the é put it across the pipe's 64 KiB boundary.
    const fake = await createFakeRipgrep(`a.ts\x001:${'x'.repeat(70_000)}\nb.ts\x002:${'y'.repeat(65_520)}é!\n`, 0);
    const result = await searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: fake.command });
    expect(result.lines.map((line) => line.text.slice(-2))).toEqual(['xx', 'é!']);
  });

  it('treats exit code 1 as no matches and exit code 2 as an error with rg message', async () => {
    const root = await createTempWorkspace();
    const none = await createFakeRipgrep('', 1);
    const empty = await searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: none.command });
    expect(empty.lines).toEqual([]);
    const broken = await createFakeRipgrep('', 2, 'regex parse error:\n    (\n    ^\nerror: unclosed group\n');
    await expect(
      searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: broken.command }),
    ).rejects.toThrow('Invalid regex "TODO" (ripgrep syntax): regex parse error:');
  });
});

describe.each(['ripgrep', 'builtin'] as const)('grep (%s) over folders it cannot read', (backend) => {
  const search = (cwd: string, input: GrepInput) => createGrepTool({ cwd, backend }).execute(input, context);
  const tooLong = 'd{40}…d{39} \\(path too long: \\d+ levels, \\d+ characters\\)';
  const note = new RegExp(`\\n\\[Could not read 1 folder, so what it holds is missing from these results: ${tooLong}\\.\\]$`);

  it('returns the matches it reached in a tree deeper than PATH_MAX and names the folder it could not read', async () => {
    const cwd = await createTempWorkspace({ 'top.txt': 'needle\n' });
    addDeepTree(cwd, { depth: 25, files: { 'deep.txt': 'needle deep\n' } });
    const found = await search(cwd, { pattern: 'needle' });
    expect(found.output).toMatch(new RegExp(`^top\\.txt:1:needle${note.source}`));
    expect(found.summary).toBe('1 match in 1 file');
    // With no match at all, still an answer rather than a failure.
    const none = await search(cwd, { pattern: 'haystack' });
    expect(none.output).toMatch(new RegExp(`^No matches for /haystack/\\.${note.source}`));
  });

  it('names a file it could not open, its path too long', async () => {
    const cwd = await createTempWorkspace({ 'top.txt': 'needle\n' });
    addFilePastPathMax(cwd, 'needle\n');
    const found = await search(cwd, { pattern: 'needle' });
    expect(found.output).toMatch(
      /^top\.txt:1:needle\n\[Could not read 1 file, so what it holds is missing from these results: d{40}…f{35}\.txt \(path too long: \d+ levels, \d+ characters\)\.\]$/,
    );
  });
});

describe('grep over folders it may not read', () => {
  const locked = '[Could not read 2 folders, so what they hold is missing from these results: locked (permission denied); src/locked (permission denied).]';

  it('names them with the built-in search, and says nothing of a folder that vanished', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': 'needle\n', 'locked/b.ts': 'needle\n', 'src/locked/c.ts': 'needle\n', 'gone/d.ts': 'needle\n' });
    denyReaddir(vi.mocked(readdir), { locked: 'EACCES', gone: 'ENOENT' });
    const result = await grep(cwd, { pattern: 'needle' });
    expect(result.output).toBe(`a.ts:1:needle\n${locked}`);
  });

  it('names them with rg, from its messages (rg 13 and rg 14), and leaves out paths gone meanwhile', async () => {
    const root = await createTempWorkspace({ 'a.ts': 'needle\n' });
    await mkdir(path.join(root, 'locked'));
    await mkdir(path.join(root, 'src/locked'), { recursive: true });
    const fake = await createFakeRipgrep(
      './a.ts\x001:needle\n',
      2,
      './src/locked: Permission denied (os error 13)\n' +
        'rg: ./locked: Permission denied (os error 13)\n' +
        'rg: ./gone.ts: No such file or directory (os error 2)\n',
    );
    const result = await searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: fake.command });
    expect(result.lines.map((line) => line.path)).toEqual(['a.ts']);
    expect(result.unreadablePaths).toEqual([
      { path: 'src/locked', kind: 'folder', code: 'EACCES' },
      { path: 'locked', kind: 'folder', code: 'EACCES' },
    ]);
    // With nothing found, the unreadable paths are the answer; any other message still fails the search.
    const onlyPaths = await createFakeRipgrep('', 2, 'rg: ./locked: Permission denied (os error 13)\n');
    const empty = await searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: onlyPaths.command });
    expect(empty).toMatchObject({ lines: [], unreadablePaths: [{ path: 'locked', kind: 'folder', code: 'EACCES' }] });
    const mixed = await createFakeRipgrep('', 2, 'rg: ./locked: Permission denied (os error 13)\nrg: something else broke\n');
    await expect(searchWithRipgrep({ root, searchPath: '.', query, signal: context.signal, command: mixed.command })).rejects.toThrow(
      'rg failed: rg: something else broke',
    );
  });

  it('reads rg\'s path messages, colons in names included, and nothing else', () => {
    expect(parseRipgrepPathError('rg: ./a: b/c: File name too long (os error 36)')).toEqual({ path: 'a: b/c', code: 'ENAMETOOLONG' });
    expect(parseRipgrepPathError('src/x: Permission denied (os error 13)')).toEqual({ path: 'src/x', code: 'EACCES' });
    expect(parseRipgrepPathError('rg: ./x: Weird (os error 99999)')).toEqual({ path: 'x', code: 'os error 99999' });
    expect(parseRipgrepPathError('regex parse error:')).toBeUndefined();
    expect(parseRipgrepPathError('rg: ./.gitignore: line 2: error parsing glob')).toBeUndefined();
  });
});

describe('grep in a repository with FIFOs among its ignore files', () => {
  it('never waits on them: rg is stopped and the built-in search answers', async () => {
    const { execFileSync } = await import('node:child_process');
    const cwd = await createTempWorkspace({ 'src/a.ts': 'const needle = 1;\n', 'lib/b.ts': 'needle again\n' });
    execFileSync('mkfifo', [path.join(cwd, '.gitignore'), path.join(cwd, 'lib', '.ignore')]);
    const started = performance.now();
    const result = await createGrepTool({ cwd }).execute({ pattern: "needle" }, context);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.output).toContain('src/a.ts:1:const needle = 1;');
    expect(result.output).toContain('lib/b.ts:1:needle again');
  });
});
