import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitPatch } from '../../../src/tools/apply-patch/commit-patch';
import { planPatch, type PlannedFile } from '../../../src/tools/apply-patch/plan-patch';
import { createFileTracker, createWriteJournal } from '../../../src/tools';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

/** A planned patch over a new workspace, with one more file appended that cannot be written (its parent is a file). */
async function planWithBadLast(files: Record<string, string>, body: string) {
  const cwd = await createTempWorkspace(files);
  const tracker = createFileTracker();
  const plan = await planPatch({ cwd, patch: wrap(body), tracker });
  const root = plan.files[0]!.target.root;
  const impossible: PlannedFile = {
    change: 'create',
    target: { root, absolute: path.join(root, 'a.txt', 'child.txt'), shownPath: 'a.txt/child.txt' },
    existing: undefined,
    edit: { target: { root, absolute: path.join(root, 'a.txt', 'child.txt'), shownPath: 'a.txt/child.txt' }, before: undefined, after: 'x\n', mode: undefined },
    patchLine: 99,
  };
  return { cwd, tracker, files: [...plan.files, impossible] };
}

describe('commitPatch', () => {
  it('puts back every file already written, deleted or moved when a later write fails, and journals nothing', async () => {
    const { cwd, tracker, files } = await planWithBadLast(
      { 'a.txt': 'a\n', 'gone.txt': 'gone\n', 'm.txt': 'm\n' },
      '*** Update File: a.txt\n@@\n-a\n+A\n*** Add File: deep/new/b.txt\n+b\n*** Update File: m.txt\n*** Move to: n.txt\n@@\n-m\n+n',
    );
    const journal = createWriteJournal();
    await expect(commitPatch(files, { tracker, journal, batchId: 'main:1', signal: new AbortController().signal })).rejects.toThrow(
      /^Could not read a\.txt\/child\.txt \(EEXIST\)\. The 3 files changed before a\.txt\/child\.txt were put back, so nothing changed\.$/,
    );
    expect((await readdir(cwd)).sort()).toEqual(['a.txt', 'gone.txt', 'm.txt']);
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('a\n');
    expect(await readFile(path.join(cwd, 'm.txt'), 'utf8')).toBe('m\n');
    expect(journal.canUndo).toBe(false);
  });

  it('writes nothing once the call is cancelled', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\n' });
    const tracker = createFileTracker();
    const plan = await planPatch({ cwd, patch: wrap('*** Update File: a.txt\n@@\n-a\n+A\n*** Add File: b.txt\n+b'), tracker });
    const controller = new AbortController();
    controller.abort();
    await expect(commitPatch(plan.files, { tracker, journal: undefined, batchId: 'main:1', signal: controller.signal })).rejects.toThrow(
      'Cancelled before any file was written. No file was changed.',
    );
    expect((await readdir(cwd)).sort()).toEqual(['a.txt']);
  });
});
