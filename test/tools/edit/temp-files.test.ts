import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/tools/edit/file-edit';
import { cleanAfterKilledRuns, cleanStaleTempFiles, tempPathFor } from '../../../src/tools/edit/temp-files';
import { createTempWorkspace } from '../../helpers/temp-workspace';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('stale temp files', () => {
  it('removes only orphaned or old shoal temp files, never a user file', async () => {
    const dead = deadPid();
    const files = {
      [`.a.ts.shoal-${dead}-0123456789ab.tmp`]: 'orphan of a killed shoal',
      [`src/.b.ts.shoal-${dead}-0123456789ab.tmp`]: 'orphan in a subfolder',
      [`.c.ts.shoal-${process.pid}-0123456789ab.tmp`]: 'a live write of ours',
      '.d.ts.shoal-0123456789ab.tmp': 'old-style name, fresh',
      '.e.ts.shoal-0123456789ab.tmp': 'old-style name, two minutes old',
      '.notes.shoal-draft.tmp': "a user's file",
      [`f.ts.shoal-${dead}-0123456789ab.tmp`]: 'no leading dot: not ours',
    };
    const cwd = await createTempWorkspace(files);
    const old = new Date(Date.now() - 120_000);
    utimesSync(path.join(cwd, '.e.ts.shoal-0123456789ab.tmp'), old, old);
    const removed = await cleanStaleTempFiles({ root: cwd, signal: new AbortController().signal });
    expect(removed.sort()).toEqual([`.a.ts.shoal-${dead}-0123456789ab.tmp`, '.e.ts.shoal-0123456789ab.tmp', `src/.b.ts.shoal-${dead}-0123456789ab.tmp`]);
    for (const name of Object.keys(files)) expect(existsSync(path.join(cwd, name)), name).toBe(!removed.includes(name));
  });

  it('names temp files with the writing pid, and leaves none after a write', async () => {
    const cwd = await createTempWorkspace();
    expect(path.basename(tempPathFor(path.join(cwd, 'a.ts')))).toMatch(new RegExp(`^\\.a\\.ts\\.shoal-${process.pid}-[0-9a-f]{12}\\.tmp$`));
    await writeFileAtomic(path.join(cwd, 'a.ts'), Buffer.from('x'), undefined);
    expect(await readdir(cwd)).toEqual(['a.ts']);
  });

  it('walks the workspace only when a killed run of this workspace left its marker', async () => {
    const dead = deadPid();
    const orphan = `.a.ts.shoal-${dead}-0123456789ab.tmp`;
    const cwd = await createTempWorkspace({ [orphan]: 'half a write' });
    const markers = path.join(await createTempWorkspace(), 'runs');
    mkdirSync(markers);
    const signal = new AbortController().signal;
    const clean = () => cleanAfterKilledRuns({ markers, root: cwd, signal });

    // No marker, a live run's marker, and a killed run's marker for another workspace: no walk.
    expect(await clean()).toEqual([]);
    writeFileSync(path.join(markers, String(process.pid)), cwd);
    writeFileSync(path.join(markers, String(dead)), path.join(cwd, 'elsewhere'));
    expect(await clean()).toEqual([]);
    expect(existsSync(path.join(cwd, orphan))).toBe(true);
    expect((await readdir(markers)).sort()).toEqual([String(dead), String(process.pid)].sort());

    // A killed run of this workspace: the walk removes its temp file and the marker goes with it.
    writeFileSync(path.join(markers, String(dead)), cwd);
    expect(await clean()).toEqual([orphan]);
    expect(existsSync(path.join(cwd, orphan))).toBe(false);
    expect(await readdir(markers)).toEqual([String(process.pid)]);

    // A dead run's marker for another workspace goes once it is over 30 days old.
    writeFileSync(path.join(markers, String(dead)), path.join(cwd, 'elsewhere'));
    expect(await cleanAfterKilledRuns({ markers, root: cwd, signal, now: Date.now() + 29 * 86_400_000 })).toEqual([]);
    expect((await readdir(markers)).sort()).toEqual([String(dead), String(process.pid)].sort());
    await cleanAfterKilledRuns({ markers, root: cwd, signal, now: Date.now() + 31 * 86_400_000 });
    expect(await readdir(markers)).toEqual([String(process.pid)]);
  });

  it('keeps its run marker when the process exits in the middle of a write, and removes it otherwise', async () => {
    const dir = await createTempWorkspace();
    const markers = path.join(dir, 'runs');
    // A real process: markRun's exit hook runs at a real exit.
    const script = path.join(dir, 'run.mjs');
    const bundled = await build({
      stdin: {
        contents: [
          `import { markRun, withTempFile } from ${JSON.stringify(path.resolve('src/tools/edit/temp-files.ts'))};`,
          `markRun({ markers: ${JSON.stringify(markers)}, root: ${JSON.stringify(dir)} });`,
          'if (process.argv[2] === "mid-write") void withTempFile("/tmp/x.tmp", () => new Promise(() => {}));',
          'else await withTempFile("/tmp/x.tmp", async () => {});',
          'setImmediate(() => process.exit(0));',
        ].join('\n'),
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
    });
    await writeFile(script, bundled.outputFiles[0]!.contents);

    const finished = spawnSync(process.execPath, [script, 'finished']);
    expect(finished.status).toBe(0);
    expect(await readdir(markers)).toEqual([]);
    const midWrite = spawnSync(process.execPath, [script, 'mid-write']);
    expect(midWrite.status).toBe(0);
    expect(await readdir(markers)).toEqual([String(midWrite.pid)]);
  });
});
