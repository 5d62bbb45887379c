import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type GitContext, runGit } from './git';

/** The folder of every workspace's shadow repository, in shoal's state folder. */
export function checkpointsDir(stateDir: string): string {
  return path.join(stateDir, 'checkpoints');
}

/**
 * The shadow repository of one workspace: `<state>/checkpoints/<name>-<hash>`,
 * the hash of the workspace's real path (so two folders of the same name never
 * share one), the name only for people looking in the folder.
 */
export function shadowGitDir(stateDir: string, workspace: string): string {
  const hash = createHash('sha256').update(workspace).digest('hex').slice(0, 16);
  const name = path.basename(workspace).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'root';
  return path.join(checkpointsDir(stateDir), `${name}-${hash}`);
}

/** The index of one session's checkpoints: sessions of one workspace share objects, never an index. */
export function sessionIndexFile(gitDir: string, sessionId: string): string {
  return path.join(gitDir, 'shoal-index', sessionId);
}

/**
 * The shadow repository's whole config: the only one git reads (the system and
 * global files are off, see `gitEnvironment`). Hooks off, no signing, no line
 * ending or encoding conversion, no untracked cache, no automatic gc, and no
 * fsmonitor (unset: before git 2.36 a value there names a program to run).
 * The index is split: a take rewrites only the entries that changed, not the
 * 2 MB of 20,000 files' stat data, twice (update-index, then write-tree).
 */
function configText(platform: NodeJS.Platform): string {
  const isWindows = platform === 'win32';
  return [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tbare = true',
    `\tfilemode = ${!isWindows}`,
    `\tsymlinks = ${!isWindows}`,
    '\thooksPath = /dev/null',
    '\tuntrackedCache = false',
    '\tsplitIndex = true',
    '\tautocrlf = false',
    '\tsafecrlf = false',
    '\tquotePath = false',
    '\tcompression = 1',
    '\tlogAllRefUpdates = false',
    '[commit]',
    '\tgpgSign = false',
    '[gc]',
    '\tauto = 0',
    '',
  ].join('\n');
}

/**
 * Attributes above every `.gitattributes` of the work tree (`info/attributes`
 * wins over them all): no line-ending conversion, no filter, no `$Id$`
 * expansion, no re-encoding, so a file comes back byte for byte and a
 * repository's `.gitattributes` can never name a filter to run.
 */
const ATTRIBUTES_TEXT = '* -text -filter -ident !eol !working-tree-encoding\n';

/**
 * Creates the shadow repository if it is not there, and (re)writes its config,
 * attributes and description, so a store written by an older shoal gets
 * today's settings. Contract: never rejects.
 */
export async function prepareShadowRepository(context: GitContext, platform: NodeJS.Platform): Promise<{ ok: true } | { ok: false; error: string }> {
  const { gitDir } = context;
  try {
    await mkdir(path.join(gitDir, 'shoal-index'), { recursive: true });
    const hasHead = await stat(path.join(gitDir, 'HEAD')).then(() => true, () => false);
    if (!hasHead) {
      const init = await runGit(context, ['init', '--bare', '--quiet', '--template='], { env: { GIT_WORK_TREE: undefined } });
      if (!init.ok) return init;
    }
    await mkdir(path.join(gitDir, 'info'), { recursive: true });
    await writeAtomically(path.join(gitDir, 'config'), configText(platform));
    await writeAtomically(path.join(gitDir, 'info', 'attributes'), ATTRIBUTES_TEXT);
    await writeAtomically(path.join(gitDir, 'description'), `shoal's checkpoints of ${context.workTree}\n`);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `could not prepare the checkpoint store in ${gitDir}: ${(error as Error).message}` };
  }
}

/** A session index unused this long is removed (the newest one stays, to seed the next session). */
const STALE_INDEX_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Gives a session with no index yet a copy of the newest index of the
 * workspace's other sessions: its stat data is still good for most files, so
 * the session's first checkpoint hashes only what changed since, not the whole
 * tree. A lock left by a shoal that died mid-command is removed (a session is
 * used by one shoal at a time). Indexes of sessions unused for two weeks go:
 * an index is only a cache of what was hashed (about 100 bytes a file), and
 * the session's checkpoints stay. Contract: never rejects; with nothing to
 * copy the session starts from an empty index.
 */
export async function prepareSessionIndex(indexFile: string, now: number = Date.now()): Promise<void> {
  await rm(`${indexFile}.lock`, { force: true }).catch(() => {});
  const folder = path.dirname(indexFile);
  const names = await readdir(folder).catch(() => [] as string[]);
  const others = await Promise.all(
    names
      .filter((name) => !name.includes('.') && name !== path.basename(indexFile))
      .map(async (name) => ({ name, mtime: await stat(path.join(folder, name)).then((stats) => stats.mtimeMs, () => -1) })),
  );
  const [newest, ...older] = others.filter((other) => other.mtime >= 0).sort((a, b) => b.mtime - a.mtime);
  for (const stale of older.filter((other) => now - other.mtime > STALE_INDEX_MS)) await rm(path.join(folder, stale.name), { force: true }).catch(() => {});
  if (!newest || (await stat(indexFile).then(() => true, () => false))) return;
  const partial = `${indexFile}.copy-${process.pid}`;
  try {
    // git replaces an index by renaming a finished file over it, so the copy is never half written.
    await copyFile(path.join(folder, newest.name), partial);
    await keepIndexTime(partial, newest.mtime);
    await rename(partial, indexFile);
  } catch {
    await rm(partial, { force: true }).catch(() => {});
  }
}

/**
 * Gives an index git did not write itself (a copy, a join) the time its stat
 * data was taken. git trusts a file's stat data only when the file's mtime is
 * older than the index (else it compares the contents: "racy git"); an index
 * dated later than its stat data would let a same-size change made in the
 * same second as the stat pass unseen. Rounded down: older is the safe side.
 */
export async function keepIndexTime(indexFile: string, mtimeMs: number): Promise<void> {
  const time = new Date(Math.floor(mtimeMs));
  await utimes(indexFile, time, time);
}

/**
 * Creates the loose ref `ref` (`refs/...`) pointing at `id`, failing with
 * EEXIST when it is already there, as `git update-ref REF ID 0000...` would,
 * without starting a git process for it (one fewer on every turn's way).
 * The store never packs its refs, so a loose file is the only place one lives.
 */
export async function createRef(gitDir: string, ref: string, id: string): Promise<void> {
  const file = path.join(gitDir, ...ref.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${id}\n`, { flag: 'wx' });
}

/** Writes beside the file, then renames: another shoal reading it mid-write sees the old or the new text. */
export async function writeAtomically(file: string, text: string, encoding: BufferEncoding = 'utf8'): Promise<void> {
  const partial = `${file}.shoal-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(partial, text, encoding);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => {});
    throw error;
  }
}
