import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createToolSession } from '../tool-session';

/**
 * Whole patches through the real apply_patch tool over a temporary workspace:
 * the files before, the patch, and either the files after or the error (with
 * every file left exactly as it was). Cases marked "Codex NNN" are ported from
 * openai/codex `codex-rs/apply-patch/tests/fixtures/scenarios/NNN_*`; where
 * shoal decides otherwise, the case says so.
 */
interface Fixture {
  name: string;
  files: Record<string, string>;
  /** Folders to make besides the files' own. */
  folders?: string[];
  patch: string;
  /** The files after, by path; null for a file that must be gone. Files not named must be unchanged. */
  expected?: Record<string, string | null>;
  error?: RegExp;
}

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch\n`;

const FIXTURES: Fixture[] = [
  {
    name: 'Codex 001: adds a file',
    files: {},
    patch: wrap('*** Add File: bar.md\n+This is a new file'),
    expected: { 'bar.md': 'This is a new file\n' },
  },
  {
    name: 'Codex 002: adds, deletes and updates in one patch',
    files: { 'delete.txt': 'obsolete\n', 'modify.txt': 'line1\nline2\n' },
    patch: wrap('*** Add File: nested/new.txt\n+created\n*** Delete File: delete.txt\n*** Update File: modify.txt\n@@\n-line2\n+changed'),
    expected: { 'nested/new.txt': 'created\n', 'delete.txt': null, 'modify.txt': 'line1\nchanged\n' },
  },
  {
    name: 'Codex 003: updates with several hunks',
    files: { 'multi.txt': 'line1\nline2\nline3\nline4\n' },
    patch: wrap('*** Update File: multi.txt\n@@\n-line2\n+changed2\n@@\n-line4\n+changed4'),
    expected: { 'multi.txt': 'line1\nchanged2\nline3\nchanged4\n' },
  },
  {
    name: 'Codex 004: moves a file into a new directory',
    files: { 'old/name.txt': 'old content\n', 'old/other.txt': 'unrelated file\n' },
    patch: wrap('*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n@@\n-old content\n+new content'),
    expected: { 'old/name.txt': null, 'renamed/dir/name.txt': 'new content\n' },
  },
  {
    name: 'Codex 005: refuses an empty patch',
    files: { 'foo.txt': 'stable\n' },
    patch: wrap('').replace('\n\n', '\n'),
    error: /has no '\*\*\* Add File:', '\*\*\* Delete File:' or '\*\*\* Update File:' section/,
  },
  {
    name: 'Codex 006: refuses a hunk whose context is missing',
    files: { 'modify.txt': 'line1\nline2\n' },
    patch: wrap('*** Update File: modify.txt\n@@\n-missing\n+changed'),
    error: /modify\.txt: hunk 1 \(patch line 3\) does not match the file: its line 'missing' was not found/,
  },
  {
    name: 'Codex 007: refuses to delete a missing file',
    files: { 'foo.txt': 'stable\n' },
    patch: wrap('*** Delete File: missing.txt'),
    error: /^Cannot delete missing\.txt \(patch line 2\): there is no such file\./,
  },
  {
    name: 'Codex 008: refuses an update without hunks',
    files: { 'foo.txt': 'stable\n' },
    patch: wrap('*** Update File: foo.txt'),
    error: /'\*\*\* Update File: foo\.txt' has no hunks, so nothing would change/,
  },
  {
    name: 'Codex 009: refuses to update a missing file, pointing at Add File',
    files: { 'foo.txt': 'stable\n' },
    patch: wrap('*** Update File: missing.txt\n@@\n-old\n+new'),
    error: /^Cannot update missing\.txt \(patch line 2\): there is no such file\. To create it, use '\*\*\* Add File: missing\.txt'/,
  },
  {
    name: 'Codex 010: a move replaces an existing destination',
    files: { 'old/name.txt': 'from\n', 'old/other.txt': 'other\n', 'renamed/dir/name.txt': 'existing\n' },
    patch: wrap('*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n@@\n-from\n+new'),
    expected: { 'old/name.txt': null, 'renamed/dir/name.txt': 'new\n' },
  },
  {
    name: 'Codex 011: an Add File onto an existing file replaces it, as in Codex',
    files: { 'duplicate.txt': 'old content\n' },
    patch: wrap('*** Add File: duplicate.txt\n+new content'),
    expected: { 'duplicate.txt': 'new content\n' },
  },
  {
    name: 'Codex 012: refuses to delete a directory',
    files: { 'dir/foo.txt': 'stable\n' },
    patch: wrap('*** Delete File: dir'),
    error: /^Cannot delete dir \(patch line 2\): it is a directory; '\*\*\* Delete File' removes one file/,
  },
  {
    name: 'Codex 013: refuses an invalid section header',
    files: { 'foo.txt': 'stable\n' },
    patch: wrap('*** Frobnicate File: foo'),
    error: /line 2: '\*\*\* Frobnicate File: foo' is not a section header/,
  },
  {
    name: 'Codex 014, decided otherwise: a file without a final newline keeps none',
    files: { 'no_newline.txt': 'no newline at end' },
    patch: wrap('*** Update File: no_newline.txt\n@@\n-no newline at end\n+first line\n+second line'),
    expected: { 'no_newline.txt': 'first line\nsecond line' },
  },
  {
    name: 'Codex 015, decided otherwise: a later failure leaves the earlier sections unwritten',
    files: {},
    patch: wrap('*** Add File: created.txt\n+hello\n*** Update File: missing.txt\n@@\n-old\n+new'),
    error: /^Cannot update missing\.txt \(patch line 4\): there is no such file\./,
  },
  {
    name: 'Codex 016: a pure addition hunk appends to the file',
    files: { 'input.txt': 'line1\nline2\n' },
    patch: wrap('*** Update File: input.txt\n@@\n+added line 1\n+added line 2'),
    expected: { 'input.txt': 'line1\nline2\nadded line 1\nadded line 2\n' },
  },
  {
    name: 'Codex 017: a section header padded with spaces',
    files: { 'foo.txt': 'old\n' },
    patch: '*** Begin Patch\n  *** Update File: foo.txt\n@@\n-old\n+new\n*** End Patch\n',
    expected: { 'foo.txt': 'new\n' },
  },
  {
    name: 'Codex 018: patch markers padded with spaces',
    files: { 'file.txt': 'one\n' },
    patch: ' *** Begin Patch\n*** Update File: file.txt\n@@\n-one\n+two\n*** End Patch \n',
    expected: { 'file.txt': 'two\n' },
  },
  {
    name: 'Codex 019: unicode',
    files: { 'foo.txt': 'line1\nnaïve café\nline3\n' },
    patch: wrap('*** Update File: foo.txt\n@@\n line1\n-naïve café\n+naïve café ✅'),
    expected: { 'foo.txt': 'line1\nnaïve café ✅\nline3\n' },
  },
  {
    name: 'Codex 020: deletes a file, keeps the others',
    files: { 'keep.txt': 'keep\n', 'obsolete.txt': 'obsolete\n' },
    patch: wrap('*** Delete File: obsolete.txt'),
    expected: { 'obsolete.txt': null },
  },
  {
    name: 'Codex 021: an update that only deletes lines',
    files: { 'lines.txt': 'line1\nline2\nline3\n' },
    patch: wrap('*** Update File: lines.txt\n@@\n line1\n-line2\n line3'),
    expected: { 'lines.txt': 'line1\nline3\n' },
  },
  {
    name: 'Codex 022: an End of File marker',
    files: { 'tail.txt': 'first\nsecond\n' },
    patch: wrap('*** Update File: tail.txt\n@@\n first\n-second\n+second updated\n*** End of File'),
    expected: { 'tail.txt': 'first\nsecond updated\n' },
  },
  {
    name: 'a pure addition at the end, marked End of File',
    files: { 'a.txt': 'a\nb\n' },
    patch: wrap('*** Update File: a.txt\n@@\n+c\n*** End of File'),
    expected: { 'a.txt': 'a\nb\nc\n' },
  },
  {
    name: 'a rename without changes',
    files: { 'a.txt': 'same\n' },
    patch: wrap('*** Update File: a.txt\n*** Move to: b.txt'),
    expected: { 'a.txt': null, 'b.txt': 'same\n' },
  },
  {
    name: 'all or nothing: the third section\'s second hunk fails, so the first two sections are not written',
    files: { 'a.txt': 'a\n', 'gone.txt': 'gone\n', 'c.txt': 'one\ntwo\nthree\n' },
    patch: wrap('*** Update File: a.txt\n@@\n-a\n+A\n*** Delete File: gone.txt\n*** Update File: c.txt\n@@\n-one\n+ONE\n@@\n-four\n+FOUR'),
    error: /c\.txt: hunk 2 \(patch line 11\) does not match the file: its line 'four' was not found after line 1\./,
  },
  {
    name: 'ambiguity is refused, naming both lines',
    files: { 'a.ts': 'let x = 0;\nx++;\nlet y = 0;\nx++;\n' },
    patch: wrap('*** Update File: a.ts\n@@\n-x++;\n+x += 2;'),
    error: /a\.ts: hunk 1 \(patch line 3\) matches the file in more than one place \(at lines 2 and 4\)/,
  },
  {
    name: 'a file named twice is refused',
    files: { 'a.txt': 'a\n' },
    patch: wrap('*** Update File: a.txt\n@@\n-a\n+b\n*** Delete File: a.txt'),
    error: /^a\.txt is in the patch twice \(patch lines 2 and 6\)/,
  },
  {
    name: 'a path outside the workspace is refused',
    files: { 'a.txt': 'a\n' },
    patch: wrap('*** Add File: ../escape.txt\n+x'),
    error: /is outside the workspace/,
  },
  {
    name: 'a move onto a directory is refused',
    files: { 'a.txt': 'a\n' },
    folders: ['dest'],
    patch: wrap('*** Update File: a.txt\n*** Move to: dest\n@@\n-a\n+b'),
    error: /^Cannot move a\.txt to dest \(patch line 2\): the destination is a directory/,
  },
];

/** Every file under `root`, by workspace path. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (directory: string) => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const absolute = path.join(directory, entry.name);
      if (entry.isDirectory()) await walk(absolute);
      else files.set(path.relative(root, absolute), await readFile(absolute, 'utf8'));
    }
  };
  await walk(root);
  return files;
}

describe('apply_patch fixtures', () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, async () => {
      const session = await createToolSession(fixture.files);
      for (const folder of fixture.folders ?? []) await mkdir(session.path(folder), { recursive: true });
      const before = await snapshot(session.cwd);
      const run = session.run('apply_patch', { input: fixture.patch });
      if (fixture.error) {
        await expect(run).rejects.toThrow(fixture.error);
        await expect(run).rejects.toThrow(/No file was changed/);
        // A refusal reads as one line (a missed hunk adds the file's most similar lines below it).
        const message = await run.then(() => '', (error: Error) => error.message);
        expect(message.split('\n')[0]).toMatch(/No file was changed/);
        expect(await snapshot(session.cwd)).toEqual(before);
        expect(session.journal.canUndo).toBe(false);
        return;
      }
      await run;
      const expected = new Map(before);
      for (const [file, contents] of Object.entries(fixture.expected ?? {})) {
        if (contents === null) expected.delete(file);
        else expected.set(file, contents);
      }
      expect(await snapshot(session.cwd)).toEqual(expected);
    });
  }

  it('keeps CRLF, the byte order mark and the permissions of an updated file, and a moved file\'s mode', async () => {
    const session = await createToolSession({ 'win.txt': '\uFEFFa\r\nb\r\n', 'run.sh': '#!/bin/sh\necho a\n' });
    const { chmod } = await import('node:fs/promises');
    await chmod(session.path('win.txt'), 0o600);
    await chmod(session.path('run.sh'), 0o755);
    await session.run('apply_patch', { input: wrap('*** Update File: win.txt\n@@\n a\n-b\n+B\n+c\n*** Update File: run.sh\n*** Move to: bin/run.sh\n@@\n-echo a\n+echo b') });
    expect(await session.read('win.txt')).toEqual(Buffer.from('\uFEFFa\r\nB\r\nc\r\n'));
    expect((await stat(session.path('win.txt'))).mode & 0o777).toBe(0o600);
    expect((await stat(session.path('bin/run.sh'))).mode & 0o777).toBe(0o755);
  });

  it('an Add File over a CRLF file with a byte order mark keeps both', async () => {
    const session = await createToolSession({ 'win.txt': '\uFEFFold\r\n' });
    await session.run('apply_patch', { input: wrap('*** Add File: win.txt\n+new\n+lines') });
    expect(await session.read('win.txt')).toEqual(Buffer.from('\uFEFFnew\r\nlines\r\n'));
  });

  it('answers the model with one line per file and counts, and the tool row with a summary', async () => {
    const session = await createToolSession({ 'a.txt': 'a\n', 'gone.txt': 'x\ny\n', 'm.txt': 'm\n' });
    const result = await session.run('apply_patch', {
      input: wrap('*** Add File: new.txt\n+1\n+2\n*** Update File: a.txt\n@@\n-a\n+A\n*** Delete File: gone.txt\n*** Update File: m.txt\n*** Move to: n.txt\n@@\n-m\n+n'),
    });
    expect(result.output).toBe('Applied the patch to 4 files:\nA new.txt (2 lines)\nM a.txt (+1 -1)\nD gone.txt\nR m.txt -> n.txt (+1 -1)');
    expect(result.summary).toBe('4 files, +4 -4');
  });

  it('writes nothing when the patch changes nothing', async () => {
    const session = await createToolSession({ 'a.txt': 'a\n' });
    const result = await session.run('apply_patch', { input: wrap('*** Update File: a.txt\n@@\n-a\n+a') });
    expect(result).toEqual({ output: 'The patch changes nothing: every file already has exactly this content. Nothing was written.', summary: 'unchanged' });
    expect(session.journal.canUndo).toBe(false);
  });

  it('refuses a file changed since it was read, as the other write tools do', async () => {
    const session = await createToolSession({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await session.run('read_file', { path: 'b.txt' });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(session.path('b.txt'), 'b changed\n');
    await expect(session.run('apply_patch', { input: wrap('*** Update File: a.txt\n@@\n-a\n+A\n*** Update File: b.txt\n@@\n-b changed\n+B') })).rejects.toThrow(
      /b\.txt changed on disk since you last read it/,
    );
    expect(await readFile(session.path('a.txt'), 'utf8')).toBe('a\n');
  });
});
