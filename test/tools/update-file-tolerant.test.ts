import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUpdateFileTool, type UpdateFileInput } from '../../src/tools/update-file';
import { createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

/** Runs one update in a fresh workspace holding `contents` as `file`, and reads the file back as bytes and text. */
async function update(file: string, contents: string | Buffer, input: Omit<UpdateFileInput, 'path'>) {
  const cwd = await createTempWorkspace({ [file]: contents });
  const tool = createUpdateFileTool({ cwd });
  const result = await tool.execute({ path: file, ...input }, context);
  const bytes = await readFile(path.join(cwd, file));
  return { result, bytes, text: bytes.toString('utf8') };
}

/** Runs an update that must be refused, and checks the file was left as it was. */
async function refused(file: string, contents: string, input: Omit<UpdateFileInput, 'path'>): Promise<string> {
  const cwd = await createTempWorkspace({ [file]: contents });
  const tool = createUpdateFileTool({ cwd });
  const error = await tool.execute({ path: file, ...input }, context).then(
    () => undefined,
    (reason: unknown) => reason as Error,
  );
  expect(error, 'the update should have been refused').toBeInstanceOf(Error);
  await expect(tool.preview!({ path: file, ...input })).rejects.toThrow(error!.message);
  expect(await readFile(path.join(cwd, file), 'utf8')).toBe(contents);
  return error!.message;
}

describe('update_file: trailing whitespace', () => {
  it('matches lines whose trailing whitespace differs, and the lines left unchanged keep theirs', async () => {
    const source = 'const a = 1;  \nconst b = 2;\t\nconst c = 3;\n';
    const { result, text } = await update('a.ts', source, { old_string: 'const a = 1;\nconst b = 2;', new_string: 'const a = 1;\nconst b = 20;' });
    expect(text).toBe('const a = 1;  \nconst b = 20;\nconst c = 3;\n');
    expect(result.summary).toBe('+1 -1, matched ignoring trailing whitespace');
    expect(result.output).toBe(
      'Updated a.ts: replaced 1 occurrence (+1 -1 lines). old_string did not match exactly; it matched with trailing whitespace ignored.',
    );
  });

  it('refuses when the lines fit two places once trailing whitespace is ignored', async () => {
    const source = 'x = 1 \ny = 2\n\nx = 1\t\ny = 2\n';
    const message = await refused('a.py', source, { old_string: 'x = 1\ny = 2', new_string: 'x = 1\ny = 3' });
    expect(message).toBe(
      'old_string matches 2 places in a.py once trailing whitespace is ignored (lines 1, 4); add surrounding lines to make it unique or set replace_all.',
    );
  });
});

describe('update_file: indentation', () => {
  const goSource = 'package main\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tif i > 1 {\n\t\t\tprintln(i)\n\t\t}\n\t}\n}\n';

  it('matches a Go block sent with spaces for its tabs, and writes the new lines with tabs', async () => {
    const { result, text } = await update('main.go', goSource, {
      old_string: '    if i > 1 {\n        println(i)\n    }',
      new_string: '    if i > 1 {\n        println("big", i)\n        continue\n    }',
    });
    expect(text).toBe('package main\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tif i > 1 {\n\t\t\tprintln("big", i)\n\t\t\tcontinue\n\t\t}\n\t}\n}\n');
    expect(result.summary).toBe('+2 -1, matched ignoring indentation');
    expect(result.output).toContain("it matched with indentation ignored (new_string was re-indented to the file's indentation at that place).");
  });

  it('matches a Python method sent without its indentation and re-indents new_string with spaces', async () => {
    const source = 'class Greeter:\n    def greet(self, name):\n        return f"hi {name}"\n\n    def part(self):\n        pass\n';
    const { text } = await update('greet.py', source, {
      old_string: 'def greet(self, name):\n    return f"hi {name}"',
      new_string: 'def greet(self, name):\n    if not name:\n        return "hi"\n    return f"hi {name}"',
    });
    expect(text).toBe(
      'class Greeter:\n    def greet(self, name):\n        if not name:\n            return "hi"\n        return f"hi {name}"\n\n    def part(self):\n        pass\n',
    );
  });

  it('refuses a block whose indentation-stripped form fits two places, naming both', async () => {
    const source = 'def a():\n    if ready:\n        go()\n\nclass B:\n    def b(self):\n        if ready:\n            go()\n';
    const message = await refused('two.py', source, { old_string: 'if ready:\n    go()', new_string: 'if ready:\n    stop()' });
    expect(message).toBe(
      'old_string matches 2 places in two.py once indentation is ignored (lines 2, 7); add surrounding lines to make it unique or set replace_all.',
    );
  });

  it('refuses a block whose nesting differs from the file, even with the same text', async () => {
    const source = 'if a:\n    b()\n    c()\n';
    await refused('nest.py', source, { old_string: 'if a:\n    b()\nc()', new_string: 'if a:\n    b()\nd()' });
  });

  it('refuses new text that would need less than no indentation at the match, rather than guess', async () => {
    const message = await refused('top.py', 'x = 1\ny = 2\n', { old_string: '    x = 1\n    y = 2', new_string: '    x = 1\ny = 3' });
    expect(message).toBe(
      'old_string matched in top.py once indentation is ignored, but line 2 of new_string is indented further left than the file allows there. ' +
        "Send old_string and new_string with the file's own indentation, copied from read_file.",
    );
  });

  it('prefers the place whose indentation matches exactly over places that match only once it is ignored', async () => {
    const source = 'def f():\n    x = 1\n    return x\n\ndef g():\n        x = 1\n        return x\n';
    const { result, text } = await update('pick.py', source, { old_string: '    x = 1\n    return x', new_string: '    x = 2\n    return x' });
    expect(text).toBe('def f():\n    x = 2\n    return x\n\ndef g():\n        x = 1\n        return x\n');
    expect(result.summary).toBe('+1 -1');
  });
});

describe('update_file: typographic punctuation', () => {
  const markdown = '# Notes\n\nShe said “ship it” — then left.\nIt’s done\u00a0now.\nLast line.\n';

  it('matches ASCII quotes and dashes against typographic ones; unchanged lines keep the file’s characters', async () => {
    const { result, text } = await update('notes.md', markdown, {
      old_string: 'She said "ship it" - then left.\nIt\'s done now.',
      new_string: 'She said "ship it" - then left.\nIt\'s shipped now.',
    });
    expect(text).toBe('# Notes\n\nShe said “ship it” — then left.\nIt\'s shipped now.\nLast line.\n');
    expect(result.summary).toBe('+1 -1, matched ignoring typographic punctuation');
    expect(result.output).toContain('typographic quotes, dashes and no-break spaces read as their ASCII forms');
  });

  it('matches part of a line, as an exact snippet would', async () => {
    const { text } = await update('notes.md', markdown, { old_string: '"ship it"', new_string: '"hold it"' });
    expect(text).toBe('# Notes\n\nShe said "hold it" — then left.\nIt’s done\u00a0now.\nLast line.\n');
  });

  it('refuses text that is only similar: one changed word is not a slip', async () => {
    const message = await refused('notes.md', markdown, { old_string: 'She said "ship it" - then ran.', new_string: 'x' });
    expect(message).toContain('old_string was not found in notes.md.');
  });
});

describe('update_file: line-number prefixes', () => {
  const source = 'first\nsecond\nthird\nfourth\n';

  it("strips read_file's prefixes from old_string and new_string when every line has one", async () => {
    const { result, text } = await update('a.txt', source, {
      old_string: '    2\tsecond\n    3\tthird',
      new_string: '    2\tsecond\n    3\tTHIRD',
    });
    expect(text).toBe('first\nsecond\nTHIRD\nfourth\n');
    expect(result.summary).toBe('+1 -1, matched ignoring line-number prefixes');
  });

  it('strips them from old_string alone when new_string has none', async () => {
    const { text } = await update('a.txt', source, { old_string: '2\tsecond\n3\tthird\n', new_string: 'second\n3rd\n' });
    expect(text).toBe('first\nsecond\n3rd\nfourth\n');
  });

  it('leaves prefixes whose numbers do not run on by one, and refuses', async () => {
    const message = await refused('a.txt', source, { old_string: '    2\tsecond\n    4\tthird', new_string: 'x' });
    expect(message).toContain('old_string was not found in a.txt.');
  });
});

describe('update_file: blank end lines', () => {
  it('drops blank lines at the ends of old_string, and the same ends of new_string', async () => {
    const source = 'import a\nrun(a)\n';
    const { result, text } = await update('main.py', source, { old_string: '\n\nrun(a)\n\n', new_string: '\n\nrun(a, fast=True)\n\n' });
    expect(text).toBe('import a\nrun(a, fast=True)\n');
    expect(result.summary).toBe('+1 -1, matched ignoring blank end lines');
  });

  it('never lets the trimmed snippet land inside a line', async () => {
    await refused('main.py', 'run(a) # once\n', { old_string: 'run(a)\n\n', new_string: 'run(b)\n\n' });
  });

  it('does not guess at a deletion', async () => {
    await refused('main.py', 'import a\nrun(a)', { old_string: 'run(a)\n\n', new_string: '' });
  });
});

describe('update_file: what tolerant matches keep', () => {
  it('keeps CRLF line endings and tabs when an LF snippet with spaces matches', async () => {
    const source = 'func f() {\r\n\tif ok {\r\n\t\treturn 1\r\n\t}\r\n\treturn 0\r\n}\r\n';
    const { text } = await update('f.go', source, {
      old_string: 'if ok {\n    return 1\n}',
      new_string: 'if ok {\n    log()\n    return 1\n}',
    });
    expect(text).toBe('func f() {\r\n\tif ok {\r\n\t\tlog()\r\n\t\treturn 1\r\n\t}\r\n\treturn 0\r\n}\r\n');
  });

  it('keeps the byte order mark and the file mode', async () => {
    const cwd = await createTempWorkspace({ 'run.sh': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('echo “old”  \n')]) });
    await chmod(path.join(cwd, 'run.sh'), 0o750);
    await createUpdateFileTool({ cwd }).execute({ path: 'run.sh', old_string: 'echo "old"', new_string: 'echo "new"' }, context);
    const bytes = await readFile(path.join(cwd, 'run.sh'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('echo "new"  \n');
    expect((await stat(path.join(cwd, 'run.sh'))).mode & 0o7777).toBe(0o750);
  });

  it('writes a snippet in a mixed file with the line endings of the place it lands', async () => {
    const { text } = await update('mixed.txt', 'a\nb\r\nc\r\nd\n', { old_string: 'b\nc', new_string: 'B\nC\nC2' });
    expect(text).toBe('a\nB\r\nC\r\nC2\r\nd\n');
  });

  it('gives lines inserted on one line of a mixed file that line\'s ending', async () => {
    const { text } = await update('mixed.txt', 'a\nb\r\nc\n', { old_string: 'b', new_string: 'b1\nb2' });
    expect(text).toBe('a\nb1\r\nb2\r\nc\n');
  });

  it('replaces every match of the tolerance that found them with replace_all', async () => {
    const source = 'if a:\n    log("x")  \nif b:\n    log("x")\t\n';
    const { result, text } = await update('r.py', source, { old_string: '    log("x")', new_string: '    log("y")', replace_all: true });
    // The exact snippet occurs twice (as part of each line): replace_all replaces both, as it always did.
    expect(text).toBe('if a:\n    log("y")  \nif b:\n    log("y")\t\n');
    expect(result.output).toBe('Updated r.py: replaced 2 occurrences (+2 -2 lines).');
    const tolerant = await update('r.py', 'x()  \ny()\nz\nx()\t\ny()\n', { old_string: 'x()\ny()', new_string: 'w()', replace_all: true });
    expect(tolerant.text).toBe('w()\nz\nw()\n');
    expect(tolerant.result.output).toBe(
      'Updated r.py: replaced 2 occurrences (+2 -4 lines). old_string did not match exactly; it matched with trailing whitespace ignored.',
    );
  });

  it('says when the tolerant match leaves nothing to change', async () => {
    const message = await refused('a.ts', 'let a = 1;\n', { old_string: 'let a = 1;  ', new_string: 'let a = 1;' });
    expect(message).toBe("old_string matched in a.ts once trailing whitespace is ignored, but new_string is the text already there, so nothing would change.");
  });
});
