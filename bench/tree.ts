import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What `generateTree` wrote. */
export interface GeneratedTree {
  files: number;
  bytes: number;
  /** Lines that match `PLANTED_PATTERN`, one per planted file. */
  plantedMatches: number;
}

/** A regex that matches only the planted lines: a rare identifier, as a search for one symbol would be. */
export const PLANTED_PATTERN = 'zebraQuartz\\w*Handler';

const WORDS = [
  'user', 'account', 'session', 'token', 'request', 'response', 'handler', 'config', 'value', 'result', 'error', 'cache',
  'index', 'item', 'list', 'map', 'node', 'tree', 'path', 'file', 'buffer', 'stream', 'event', 'queue', 'worker', 'task',
  'load', 'save', 'parse', 'render', 'update', 'create', 'delete', 'find', 'build', 'check', 'resolve', 'format', 'merge',
];
const EXTENSIONS = ['ts', 'ts', 'js', 'py', 'md', 'json', 'txt', 'tsx'];

/** A small deterministic generator, so every run searches the same tree. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Source-like lines: declarations, calls, comments and prose, from a small vocabulary. */
function createLinePool(random: () => number, size: number): string[] {
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const camel = () => word() + word().replace(/^./, (letter) => letter.toUpperCase());
  const shapes = [
    () => `  const ${camel()} = ${camel()}(${word()}, ${Math.floor(random() * 1000)});`,
    () => `export function ${camel()}(${word()}: ${camel()}, options = {}) {`,
    () => `    if (!${word()}.${camel()}) throw new Error('${word()} ${word()} is missing');`,
    () => `  // ${word()} the ${word()} before we ${word()} the ${word()}, see ${word()}/${camel()}.ts`,
    () => `  return ${word()}.${camel()}().then((${word()}) => ${camel()}(${word()}));`,
    () => `The ${word()} ${word()}s each ${word()} and ${word()}s it into the ${word()} ${word()} when ${word()} is set.`,
    () => `    "${camel()}": "${word()}-${word()}-${Math.floor(random() * 100)}",`,
    () => '}',
    () => '',
  ];
  return Array.from({ length: size }, () => shapes[Math.floor(random() * shapes.length)]!());
}

/**
 * Writes `files` files of about `totalBytes` in all into `dir`
 * (pkg-NN/src/mod-NN/file-NNN.ext), text like source code, with one line
 * matching `PLANTED_PATTERN` in every 160th file; then syncs, so writeback
 * does not run during the timings.
 */
export async function generateTree(dir: string, options: { files: number; totalBytes: number }): Promise<GeneratedTree> {
  const random = createRandom(42);
  const pool = createLinePool(random, 8192);
  const averageBytes = options.totalBytes / options.files;
  const paths = Array.from({ length: options.files }, (_, index) => {
    const pkg = String(Math.floor(index / 1000)).padStart(2, '0');
    const module = String(Math.floor(index / 20) % 50).padStart(2, '0');
    const extension = EXTENSIONS[index % EXTENSIONS.length]!;
    return path.join(dir, `pkg-${pkg}`, 'src', `mod-${module}`, `file-${String(index % 20).padStart(3, '0')}.${extension}`);
  });
  await Promise.all([...new Set(paths.map((file) => path.dirname(file)))].map((folder) => mkdir(folder, { recursive: true })));

  let bytes = 0;
  let plantedMatches = 0;
  let next = 0;
  const write = async () => {
    while (next < paths.length) {
      const index = next++;
      const target = averageBytes * (0.2 + 1.6 * random());
      const lines: string[] = [];
      let size = 0;
      while (size < target) {
        const line = pool[Math.floor(random() * pool.length)]!;
        lines.push(line);
        size += line.length + 1;
      }
      if (index % 160 === 7) {
        lines.splice(Math.floor(lines.length / 2), 0, `  registry.on('zebraQuartz${index}Handler', handle${index});`);
        plantedMatches += 1;
      }
      const text = `${lines.join('\n')}\n`;
      bytes += Buffer.byteLength(text);
      await writeFile(paths[index]!, text);
    }
  };
  await Promise.all(Array.from({ length: 32 }, write));
  execFileSync('sync');
  return { files: paths.length, bytes, plantedMatches };
}

/** Bump when `generateTree` writes something else, so an old cached tree is not reused. */
const TREE_FORMAT = 1;

/**
 * The tree `generateTree` writes for `options`, kept in the temp dir between
 * bench runs (`shoal-bench-tree-*`, about 330 MB on disk for both sizes, one per checkout) and reused
 * while complete; the sections only read it. Writing and deleting 200 MB of
 * files each run set this machine's disk discarding for many seconds after
 * (its root file system is mounted with `discard`): every metadata operation
 * then waited, and a sandboxed command's stand-ins took 5.8 ms instead of 0.8,
 * in whichever section ran next.
 */
export async function cachedTree(options: { files: number; totalBytes: number }): Promise<{ dir: string; tree: GeneratedTree }> {
  // One tree per checkout: the checkpoints section edits the tree it measures (and puts it back), and a
  // bench run in another worktree at the same time saw its files come and go mid-search (rg exit 2).
  const checkout = createHash('sha256').update(process.cwd()).digest('hex').slice(0, 8);
  const dir = path.join(tmpdir(), `shoal-bench-tree-${options.files}-${options.totalBytes}-v${TREE_FORMAT}-${checkout}`);
  // Beside the tree, not in it: the searches and the picker would count it.
  const record = `${dir}.json`;
  const tree = await readFile(record, 'utf8').then((text) => JSON.parse(text) as GeneratedTree, () => undefined);
  if (tree) return { dir, tree };
  await rm(dir, { recursive: true, force: true });
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  const written = await generateTree(partial, options);
  await rename(partial, dir);
  await writeFile(record, JSON.stringify(written));
  return { dir, tree: written };
}
