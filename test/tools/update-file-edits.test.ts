import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { createUpdateFileTool, updateFileInputSchema } from '../../src/tools/update-file';
import { createTempWorkspace } from '../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

const source = 'import { a } from "./a";\n\nexport function run() {\n  const value = a();\n  return value;\n}\n';

describe('update_file with edits', () => {
  it('applies the edits in order, each to the text the ones before left, behind one preview of the combined diff', async () => {
    const cwd = await createTempWorkspace({ 'run.ts': source });
    const tool = createUpdateFileTool({ cwd });
    const input = {
      path: 'run.ts',
      edits: [
        { old_string: 'import { a } from "./a";', new_string: 'import { a, b } from "./a";' },
        { old_string: 'const value = a();', new_string: 'const value = b(a());' },
        // Sees the second edit's text: the same snippet would not be found in the file as it was.
        { old_string: 'const value = b(a());\n  return value;', new_string: 'return b(a());' },
      ],
    };
    expect(updateFileInputSchema.safeParse(input).success).toBe(true);
    const preview = await tool.preview!(input);
    expect(preview.type === 'diff' && preview.diff).toBe(
      '--- a/run.ts\n+++ b/run.ts\n@@ -1,6 +1,5 @@\n-import { a } from "./a";\n+import { a, b } from "./a";\n \n export function run() {\n-  const value = a();\n-  return value;\n+  return b(a());\n }\n',
    );
    const result = await tool.execute(input, context);
    const written = await readFile(path.join(cwd, 'run.ts'), 'utf8');
    expect(written).toBe('import { a, b } from "./a";\n\nexport function run() {\n  return b(a());\n}\n');
    expect(written).toBe(applyPatch(source, preview.type === 'diff' ? preview.diff : ''));
    expect(result.output).toBe('Updated run.ts with 3 edits: replaced 3 occurrences (+2 -3 lines).');
    expect(result.summary).toBe('+2 -3');
  });

  it('writes nothing when one edit fails, and names that edit and why', async () => {
    const cwd = await createTempWorkspace({ 'run.ts': source });
    const tool = createUpdateFileTool({ cwd });
    const input = {
      path: 'run.ts',
      edits: [
        { old_string: 'import { a } from "./a";', new_string: 'import { b } from "./b";' },
        { old_string: 'const value = missing();', new_string: 'x' },
        { old_string: 'return value;', new_string: 'return 1;' },
      ],
    };
    const message =
      'edits[1] failed, so none of the 3 edits was applied (nothing was written): old_string was not found in run.ts.';
    await expect(tool.execute(input, context)).rejects.toThrow(message);
    await expect(tool.preview!(input)).rejects.toThrow(message);
    expect(await readFile(path.join(cwd, 'run.ts'), 'utf8')).toBe(source);
  });

  it('refuses an ambiguous edit in the list with its count, and an edit that changes nothing by its index', async () => {
    const cwd = await createTempWorkspace({ 'run.ts': source });
    const tool = createUpdateFileTool({ cwd });
    await expect(
      tool.execute({ path: 'run.ts', edits: [{ old_string: 'return value;', new_string: 'return 2;' }, { old_string: 'a', new_string: 'c' }] }, context),
    ).rejects.toThrow('edits[1] failed, so none of the 2 edits was applied (nothing was written): old_string occurs 4 times in run.ts (lines 1, 1, 4, 4); add surrounding lines to make it unique or set replace_all.');
    await expect(
      tool.execute({ path: 'run.ts', edits: [{ old_string: 'run', new_string: 'go' }, { old_string: 'value', new_string: 'value' }] }, context),
    ).rejects.toThrow('edits[1] failed, so none of the 2 edits was applied (nothing was written): old_string and new_string are identical');
    expect(await readFile(path.join(cwd, 'run.ts'), 'utf8')).toBe(source);
  });

  it('honours replace_all per edit and names the tolerance each edit needed', async () => {
    const cwd = await createTempWorkspace({ 'run.ts': source.replace('  return value;', '  return value;   ') });
    const result = await createUpdateFileTool({ cwd }).execute(
      {
        path: 'run.ts',
        edits: [
          { old_string: 'value', new_string: 'result', replace_all: true },
          { old_string: 'const result = a();\nreturn result;', new_string: 'const result = a();\nreturn result ?? 0;' },
        ],
      },
      context,
    );
    expect(await readFile(path.join(cwd, 'run.ts'), 'utf8')).toBe(
      'import { a } from "./a";\n\nexport function run() {\n  const result = a();\n  return result ?? 0;\n}\n',
    );
    expect(result.output).toBe(
      'Updated run.ts with 2 edits: replaced 3 occurrences (+2 -2 lines). edits[1] did not match exactly; it matched with ' +
        "trailing whitespace ignored; indentation ignored (new_string was re-indented to the file's indentation at that place).",
    );
    expect(result.summary).toBe('+2 -2, matched ignoring trailing whitespace and indentation');
  });

  it('takes exactly one of the two forms', () => {
    const parse = (input: unknown) => {
      const parsed = updateFileInputSchema.safeParse(input);
      return parsed.success ? 'ok' : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    };
    expect(parse({ path: 'a', old_string: 'x', new_string: 'y' })).toBe('ok');
    expect(parse({ path: 'a', edits: [{ old_string: 'x', new_string: 'y' }] })).toBe('ok');
    expect(parse({ path: 'a', old_string: 'x', new_string: 'y', edits: [{ old_string: 'x', new_string: 'y' }] })).toBe(
      'edits: send either old_string/new_string (one edit) or edits (several), not both',
    );
    expect(parse({ path: 'a' })).toBe('old_string: required (or send edits instead); new_string: required (or send edits instead)');
    expect(parse({ path: 'a', old_string: 'x' })).toBe('new_string: required (or send edits instead)');
    expect(parse({ path: 'a', edits: [] })).toBe('edits: edits is empty; send at least one { old_string, new_string }.');
    expect(parse({ path: 'a', edits: [{ old_string: '', new_string: 'y' }] })).toBe('edits.0.old_string: old_string is empty; to create a file use write_file.');
  });

  it('describes a call with edits by the lines all of them change', () => {
    const tool = createUpdateFileTool({ cwd: '/work' });
    expect(tool.describe({ path: 'a.ts', edits: [{ old_string: 'a\n', new_string: 'b\nc\n' }, { old_string: 'd\n', new_string: '' }] })).toBe('a.ts (+2 -2)');
  });
});
