import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { absoluteBytes, type RawPath } from './raw-path';

/**
 * Which tracked files may have changed since the last take, from the file
 * system's own change events, so a take stats those instead of every tracked
 * file. Git's fsmonitor and watchman do the same; here only what the index
 * tracks is watched (each folder holding a tracked file), since new files are
 * still found by git's own walk of the folders, which honours .gitignore.
 *
 * Whenever the watch cannot vouch for a path, the take walks everything:
 * before a new cursor has seen one whole take, after more changes than are
 * worth listing (the kernel's queue may have overflowed, and Node drops that
 * notice), and where a folder could not be watched (out of inotify watches).
 * A tree needing more than a quarter of the user's inotify watches is not
 * watched at all, and a watch that runs out gives its watches back: the user's
 * editor and dev server need them more.
 */

/** More changed paths than this and the take walks everything: a pathspec list that long saves nothing, and a flood of events may have overflowed. */
const MAX_CHANGED_PATHS = 256;
/**
 * More events than this between two takes and the take walks everything. When
 * the kernel's queue overflows it drops events and says so in one that Node
 * never passes on; but the queue was full, so at least `max_queued_events`
 * events came through before it. A quarter of that leaves room for events of
 * watches already closed, which Node does not pass on either.
 */
let maxEvents: number | undefined;
/** The most folders one workspace's watch takes: a quarter of the user's inotify watches. */
let watchLimit: number | undefined;
/** Folders are watched this many at a time, with a turn of the event loop between, so keystrokes never wait on them. */
const WATCH_BATCH = 100;
/** How long a take waits for its own marker file's event before it walks everything. */
const MARKER_TIMEOUT_MS = 2000;

/** One store's view of the watch: what changed since its last take. */
export interface ChangeCursor {
  /**
   * The workspace-relative paths (files, or folders: everything under them)
   * that may differ from the index since the last call; undefined when every
   * path must be walked. Every change made before the call is in it.
   */
  changes(): Promise<RawPath[] | undefined>;
  /** These paths are in the index: their folders are watched from now on, and listed once when their watch starts. */
  track(paths: readonly RawPath[]): void;
  /** The next `changes()` walks everything (the index changed in a way the watch did not see). */
  distrust(): void;
}

interface CursorState {
  dirty: Set<RawPath>;
  events: number;
  isTrusted: boolean;
}

interface FolderWatch {
  cursors: Set<CursorState>;
  /** Folders holding a tracked file, watched or waiting to be. */
  needed: Set<RawPath>;
  watchers: Map<RawPath, FSWatcher>;
  /** Needed folders not watched yet (new, missing, or whose watch ended). */
  waiting: Set<RawPath>;
  /** A folder could not be watched for a reason other than being gone: nothing is vouched for. */
  isBroken: boolean;
  markers: Map<string, () => void>;
  markerWatcher: FSWatcher | undefined;
  markerCount: number;
}

const watches = new Map<string, FolderWatch>();

/**
 * A cursor over the watch of `workTree`, shared by every store of that
 * workspace in this process. `markerDir` is a folder of shoal's own (in the
 * shadow repository) where a take writes a marker file: once its event
 * arrives, every event before it has been read.
 */
export function createChangeCursor(workTree: string, markerDir: string, options: { maxFolders?: number } = {}): ChangeCursor {
  const key = `${workTree}\0${markerDir}`;
  let shared = watches.get(key);
  if (!shared) {
    shared = { cursors: new Set(), needed: new Set(), watchers: new Map(), waiting: new Set(), isBroken: false, markers: new Map(), markerWatcher: undefined, markerCount: 0 };
    watches.set(key, shared);
  }
  const folder = shared;
  const state: CursorState = { dirty: new Set(), events: 0, isTrusted: false };
  folder.cursors.add(state);

  return {
    async changes() {
      const isMarked = await waitForMarker(folder, markerDir);
      await watchWaiting(folder, workTree, options.maxFolders);
      const dirty = [...state.dirty];
      // The root as a changed folder means every path: git takes no empty pathspec, and it would save nothing.
      const vouched = isMarked && state.isTrusted && !folder.isBroken && dirty.length <= MAX_CHANGED_PATHS && !state.dirty.has('');
      state.dirty.clear();
      state.events = 0;
      // From here every needed folder is watched, so the events from now on are all this cursor needs.
      state.isTrusted = isMarked;
      return vouched ? dirty : undefined;
    },
    track(paths) {
      for (const file of paths) {
        const slash = file.lastIndexOf('/');
        const parent = slash === -1 ? '' : file.slice(0, slash);
        if (folder.needed.has(parent)) continue;
        folder.needed.add(parent);
        folder.waiting.add(parent);
      }
    },
    distrust() {
      state.isTrusted = false;
    },
  };
}

function markDirty(folder: FolderWatch, changed: RawPath): void {
  for (const cursor of folder.cursors) {
    if (!cursor.isTrusted) continue;
    cursor.dirty.add(changed);
    // Past this many the take walks everything anyway; keeping them would only hold memory.
    maxEvents ??= Math.min(4096, Math.floor(inotifyLimit('max_queued_events', 16_384) / 4));
    if (cursor.dirty.size > MAX_CHANGED_PATHS || ++cursor.events > maxEvents) {
      cursor.isTrusted = false;
      cursor.dirty.clear();
    }
  }
}

/** Watches the needed folders that are not watched yet, a batch at a time; each is listed as changed once, since it was not watched before. */
async function watchWaiting(folder: FolderWatch, workTree: string, maxFolders?: number): Promise<void> {
  if (folder.isBroken) return;
  watchLimit ??= Math.floor(inotifyLimit('max_user_watches', 8192) / 4);
  // inotify watches are the user's to share with their editor and dev server: a tree needing more than a quarter is not watched.
  if (folder.needed.size > (maxFolders ?? watchLimit)) return giveUp(folder);
  let count = 0;
  for (const dir of [...folder.waiting]) {
    if (folder.isBroken) return;
    folder.waiting.delete(dir);
    if (!folder.needed.has(dir) || folder.watchers.has(dir)) continue;
    startWatching(folder, workTree, dir);
    markDirty(folder, dir);
    if (++count % WATCH_BATCH === 0) await nextTurn();
  }
}

function startWatching(folder: FolderWatch, workTree: string, dir: RawPath): void {
  const ownName = Buffer.from(dir === '' ? path.basename(workTree) : dir.slice(dir.lastIndexOf('/') + 1), 'latin1');
  const onEvent = (_type: string, name: Buffer | null) => {
    if (name === null) return markDirty(folder, dir);
    markDirty(folder, dir === '' ? name.toString('latin1') : `${dir}/${name.toString('latin1')}`);
    // Node names the folder itself by its own name when it is deleted or moved (its watch then ends or follows it
    // elsewhere): it and every folder under it are watched afresh at the next take. A child of the same name only costs that.
    if (name.equals(ownName)) stopWatching(folder, dir);
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(absoluteBytes(workTree, dir), { persistent: false, encoding: 'buffer' }, onEvent);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone (or a file now): its tracked files are listed as deleted this once, and it is no longer needed.
    if (code === 'ENOENT' || code === 'ENOTDIR') folder.needed.delete(dir);
    else giveUp(folder);
    return;
  }
  watcher.on('error', () => stopWatching(folder, dir));
  folder.watchers.set(dir, watcher);
}

/** Out of watches (or over the share shoal takes): every take compares every file, and the watches go back to the user. */
function giveUp(folder: FolderWatch): void {
  folder.isBroken = true;
  for (const watcher of folder.watchers.values()) watcher.close();
  folder.watchers.clear();
  folder.waiting.clear();
}

function stopWatching(folder: FolderWatch, dir: RawPath): void {
  markDirty(folder, dir);
  for (const [watched, watcher] of folder.watchers) {
    if (watched !== dir && !(dir === '' || watched.startsWith(`${dir}/`))) continue;
    watcher.close();
    folder.watchers.delete(watched);
    folder.waiting.add(watched);
  }
}

/**
 * Writes a marker file into a watched folder of shoal's own and waits for its
 * event: the kernel queues events in order and Node reads them in order, so
 * every change made before this call has been seen once it arrives. False when
 * it never does.
 */
async function waitForMarker(folder: FolderWatch, markerDir: string): Promise<boolean> {
  try {
    if (!folder.markerWatcher) {
      await mkdir(markerDir, { recursive: true });
      const watcher = watch(markerDir, { persistent: false });
      watcher.on('change', (_type, name) => {
        if (typeof name === 'string') folder.markers.get(name)?.();
      });
      watcher.on('error', () => {
        watcher.close();
        if (folder.markerWatcher === watcher) folder.markerWatcher = undefined;
      });
      folder.markerWatcher = watcher;
    }
    const name = `marker-${process.pid}-${++folder.markerCount}`;
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), MARKER_TIMEOUT_MS);
      folder.markers.set(name, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    await writeFile(path.join(markerDir, name), '');
    const isArrived = await arrived;
    folder.markers.delete(name);
    void rm(path.join(markerDir, name), { force: true }).catch(() => {});
    return isArrived;
  } catch {
    return false;
  }
}

/** One of the kernel's inotify limits (`/proc/sys/fs/inotify/NAME`), or `fallback` where it cannot be read. */
function inotifyLimit(name: string, fallback: number): number {
  try {
    const value = Number.parseInt(readFileSync(`/proc/sys/fs/inotify/${name}`, 'utf8'), 10);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}
