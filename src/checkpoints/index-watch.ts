import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type ChangeCursor, createChangeCursor } from './change-watch';
import { type GitContext, runGit } from './git';
import { type RawPath, splitNul } from './raw-path';

/** The change watch of one session's index (see change-watch.ts). */
export interface IndexWatch {
  /** The tracked paths that may differ from the index, or undefined: compare them all. */
  changes(): Promise<readonly RawPath[] | undefined>;
  /** After a stage that added `added` to the index. The first call starts the watch. */
  staged(added: readonly RawPath[]): void;
  /** After whatever this store did to the index: it is now as the watch knows it. */
  settle(): Promise<void>;
  /** The index took paths the watch did not see (a restore): compare them all next time, and watch what it holds. */
  distrust(): void;
}

/**
 * Ties a change cursor to the session's index: its folders are those of every
 * path the index holds (listed once when the watch starts, and again whenever
 * the index changed behind this store's back, as another shoal on the same
 * session would change it), and the paths added since.
 */
export function createIndexWatch(context: GitContext): IndexWatch {
  let cursor: ChangeCursor | undefined;
  /** Whether the cursor knows the folders of every path in the index; listed at the next take, not while one runs. */
  let isSeeded = false;
  let stamp: string | undefined;

  const seed = (watching: ChangeCursor): Promise<boolean> =>
    runGit(context, ['ls-files', '-z']).then((listed) => {
      if (listed.ok) watching.track(splitNul(listed.stdout));
      return listed.ok;
    });

  return {
    async changes() {
      if (!cursor) return undefined;
      if (!isSeeded || (await stampOf(context.indexFile)) !== stamp) {
        cursor.distrust();
        // Unseeded, the cursor stays distrusted: it never vouches for folders it does not know.
        isSeeded = await seed(cursor);
        if (!isSeeded) return undefined;
      }
      // Called even when the answer is known to be "everything": it starts the next interval.
      return cursor.changes();
    },
    staged(added) {
      if (cursor) return cursor.track(added);
      cursor = createChangeCursor(context.workTree, path.join(context.gitDir, 'shoal-watch'));
    },
    async settle() {
      stamp = await stampOf(context.indexFile);
    },
    distrust() {
      isSeeded = false;
    },
  };
}

/** Which index file this is: git replaces it whole (a new inode) at each write, so anyone's write changes it. */
async function stampOf(file: string): Promise<string | undefined> {
  const stats = await stat(file).catch(() => undefined);
  return stats && `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}
