import { lstat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { absoluteBytes, nulRecords, parentsOf, type RawPath } from './raw-path';

/** What staging does with a path git listed: hash it, drop it from the index, or leave it out for its size. */
export type Verdict = { kind: 'add' } | { kind: 'gone' } | { kind: 'too-large'; bytes: number };

/** From this many paths the looking moves to a worker thread (a first checkpoint lists every file). */
const WORKER_FROM_PATHS = 256;

/**
 * What to do with each path, judged by lstat only: a symlink is a link, never
 * its target, and a path below a folder that is now a symlink or a file is gone.
 * Many paths are judged on a worker thread: 20,000 promise-based lstats held
 * the main thread for 730 ms in one stretch (measured), where a keystroke waits.
 */
export function classifyPaths(root: string, files: readonly RawPath[], maxFileBytes: number): Promise<Verdict[]> {
  return files.length >= WORKER_FROM_PATHS ? classifyOnWorker(root, files, maxFileBytes) : classifyHere(root, files, maxFileBytes);
}

/** Whether a workspace folder is a real folder (not a symlink, not a file), asked once per folder until `forget`. */
export function folderChecker(root: string): ((folder: RawPath) => Promise<boolean>) & { forget(): void } {
  const known = new Map<RawPath, Promise<boolean>>();
  const check = (folder: RawPath) => {
    let answer = known.get(folder);
    if (answer === undefined) {
      answer = lstat(absoluteBytes(root, folder)).then((stats) => stats.isDirectory(), () => false);
      known.set(folder, answer);
    }
    return answer;
  };
  return Object.assign(check, { forget: () => known.clear() });
}

async function classifyHere(root: string, files: readonly RawPath[], maxFileBytes: number): Promise<Verdict[]> {
  const isRealFolder = folderChecker(root);
  return Promise.all(
    files.map(async (file): Promise<Verdict> => {
      for (const folder of parentsOf(file)) if (!(await isRealFolder(folder))) return { kind: 'gone' };
      const stats = await lstat(absoluteBytes(root, file)).catch(() => undefined);
      return verdictOf(stats, maxFileBytes);
    }),
  );
}

/** Missing, a folder now (its files are listed on their own), a FIFO, a socket or a device: gone from the index. */
function verdictOf(stats: { isSymbolicLink(): boolean; isFile(): boolean; size: number } | undefined, maxFileBytes: number): Verdict {
  if (stats?.isSymbolicLink()) return { kind: 'add' };
  if (stats?.isFile()) return stats.size > maxFileBytes ? { kind: 'too-large', bytes: stats.size } : { kind: 'add' };
  return { kind: 'gone' };
}

/**
 * The same judgement as `classifyHere`, in a worker with synchronous lstat.
 * The worker is plain CommonJS source, so it needs no bundle entry of its own.
 * Codes: 0 add, 1 gone, 2 too large (size in `sizes`).
 */
const WORKER_SOURCE = `
const { lstatSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { root, paths, maxFileBytes } = workerData;
const files = Buffer.from(paths).toString('latin1').split('\\0');
files.pop();
const at = (raw) => Buffer.concat([Buffer.from(root + '/', 'utf8'), Buffer.from(raw, 'latin1')]);
const folders = new Map();
const isRealFolder = (folder) => {
  let known = folders.get(folder);
  if (known === undefined) {
    const stats = lstatSync(at(folder), { throwIfNoEntry: false });
    known = stats !== undefined && stats.isDirectory();
    folders.set(folder, known);
  }
  return known;
};
const codes = new Uint8Array(files.length);
const sizes = new Float64Array(files.length);
files.forEach((file, index) => {
  for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', slash + 1)) {
    if (!isRealFolder(file.slice(0, slash))) { codes[index] = 1; return; }
  }
  let stats;
  try { stats = lstatSync(at(file), { throwIfNoEntry: false }); } catch { stats = undefined; }
  if (stats !== undefined && stats.isSymbolicLink()) codes[index] = 0;
  else if (stats !== undefined && stats.isFile()) { codes[index] = stats.size > maxFileBytes ? 2 : 0; sizes[index] = stats.size; }
  else codes[index] = 1;
});
parentPort.postMessage({ codes, sizes }, [codes.buffer, sizes.buffer]);
`;

function classifyOnWorker(root: string, files: readonly RawPath[], maxFileBytes: number): Promise<Verdict[]> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { root, paths: nulRecords(files), maxFileBytes } });
    worker.once('message', ({ codes, sizes }: { codes: Uint8Array; sizes: Float64Array }) => {
      resolve(Array.from(codes, (code, index): Verdict => (code === 0 ? { kind: 'add' } : code === 2 ? { kind: 'too-large', bytes: sizes[index]! } : { kind: 'gone' })));
    });
    // A worker that cannot start (a locked-down runtime) must not fail the checkpoint: judge here instead.
    worker.once('error', () => resolve(classifyHere(root, files, maxFileBytes)));
  });
}
