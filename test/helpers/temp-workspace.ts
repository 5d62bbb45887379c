import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';

const execFileAsync = promisify(execFile);

const created: string[] = [];

/** Workspaces holding a tree deeper than PATH_MAX, which Node's rm cannot remove. */
const deep = new Set<string>();

afterEach(async () => {
  await Promise.all(
    created.splice(0).map((dir) =>
      // A checkpoint the test did not wait for may still write into its state folder: retried, as Node does on ENOTEMPTY.
      deep.delete(dir) ? execFileAsync('rm', ['-rf', dir]) : rm(dir, { recursive: true, force: true, maxRetries: 5 }),
    ),
  );
});

/**
 * Makes a real temporary workspace (its real path, symlinks resolved) holding
 * `files` (relative path -> contents), removed after the test.
 */
export async function createTempWorkspace(files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'shoal-test-')));
  created.push(dir);
  for (const [relative, contents] of Object.entries(files)) {
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, contents);
  }
  return dir;
}

/** One folder name of a deep tree: 25 of them pass Linux's PATH_MAX (4096 bytes) whatever the temp dir. */
export const DEEP_NAME = 'd'.repeat(200);

/**
 * Makes a chain of `depth` nested folders named DEEP_NAME under `root`, the
 * last holding `files` (name -> contents), and returns the chain's
 * workspace-relative path. A shell makes it one `cd` at a time: no absolute
 * path that long can be opened, and a test worker cannot chdir. `root` must
 * come from `createTempWorkspace`, which then removes it with `rm -rf`.
 */
export function addDeepTree(root: string, options: { depth: number; files?: Record<string, string> }): string {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const writes = Object.entries(options.files ?? {}).map(([name, contents]) => `printf %s ${quote(contents)} > ${quote(name)}`);
  // -P: a logical cd would build the long path itself, and fail on it.
  const script = [`for i in $(seq ${options.depth}); do mkdir ${DEEP_NAME} && cd -P ${DEEP_NAME} || exit 1; done`, ...writes].join('\n');
  if (created.includes(root)) deep.add(root);
  execFileSync('sh', ['-c', script], { cwd: root });
  return Array.from({ length: options.depth }, () => DEEP_NAME).join('/');
}

/** Linux's limit on a path, its final NUL included. */
const PATH_MAX = 4096;

/**
 * Makes under `root` the deepest chain of DEEP_NAME folders whose path the
 * system still opens, holding a file whose path it does not: its folder lists
 * it, but nothing can stat or open it. Returns the file's workspace path.
 */
export function addFilePastPathMax(root: string, contents: string): string {
  const depth = Math.floor((PATH_MAX - 1 - root.length) / (DEEP_NAME.length + 1));
  const name = `${'f'.repeat(200)}.txt`;
  return `${addDeepTree(root, { depth, files: { [name]: contents } })}/${name}`;
}
