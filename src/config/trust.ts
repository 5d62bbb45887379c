import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Folder trust: whether the user has said that a workspace's own files may
 * loosen what shoal does (run commands unasked, send requests elsewhere).
 * Trust is tied to the file's bytes, so an edited file is asked about again,
 * and forgetting a folder's record makes the next start ask again.
 */

/** trusted: a record for this folder and these bytes; changed: a record for other bytes; untrusted: no record. */
export type TrustStatus = 'trusted' | 'untrusted' | 'changed';

/** What `projectTrust` found, with lines for the user when the store itself was unreadable. */
export interface TrustCheck {
  status: TrustStatus;
  notes: string[];
}

/** Which folder, which bytes, and the user's state directory that holds the decisions. */
export interface TrustSubject {
  cwd: string;
  fileBytes: Uint8Array;
  stateDir: string;
}

interface TrustRecord {
  sha256: string;
  trustedAt: string;
}

interface TrustStore {
  version: 1;
  folders: Record<string, TrustRecord>;
}

const STORE_FILE = 'trusted-folders.json';
// A store of thousands of folders stays far below this; anything bigger is not ours.
const MAX_STORE_BYTES = 4 * 1024 * 1024;

/** The file that keeps trust decisions: `trusted-folders.json` in shoal's state directory. */
export function trustStorePath(stateDir: string): string {
  return path.join(stateDir, STORE_FILE);
}

/** The SHA-256 of a file's bytes, as lowercase hex: what a trust record is tied to. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Looks up the user's decision for this folder (by its real path) and these
 * bytes. Contract: never rejects; a missing store is untrusted, a corrupt one
 * is treated as empty with a note.
 */
export async function projectTrust(subject: TrustSubject): Promise<TrustCheck> {
  const { store, notes } = await readStore(subject.stateDir);
  const record = store.folders[folderKey(subject.cwd)];
  if (!record) return { status: 'untrusted', notes };
  return { status: record.sha256 === contentHash(subject.fileBytes) ? 'trusted' : 'changed', notes };
}

/**
 * Records that the user trusts this folder with exactly these bytes, replacing
 * any older record for it. Writes atomically (temp file, then rename), mode 0600.
 */
export async function trustProject(subject: TrustSubject, now: Date = new Date()): Promise<void> {
  const { store } = await readStore(subject.stateDir);
  store.folders[folderKey(subject.cwd)] = { sha256: contentHash(subject.fileBytes), trustedAt: now.toISOString() };
  await writeStore(subject.stateDir, store);
}

/** What forgetting a folder's trust did: removed its record, found none, or could not (the reason names the file). */
export type ForgetResult = { status: 'forgotten' | 'not-trusted' } | { status: 'failed'; reason: string };

/**
 * Removes this folder's trust record, keeping every other folder's, so the
 * next start asks again. A store it cannot read is left as it is.
 * Contract: never rejects.
 */
export async function forgetProjectTrust(folder: Pick<TrustSubject, 'cwd' | 'stateDir'>): Promise<ForgetResult> {
  const { store, problem } = await readStore(folder.stateDir);
  // Rewriting a store we could not read would drop every other folder's decision.
  if (problem) return { status: 'failed', reason: `${problem}; it was left as it is` };
  const key = folderKey(folder.cwd);
  if (!Object.hasOwn(store.folders, key)) return { status: 'not-trusted' };
  delete store.folders[key];
  try {
    await writeStore(folder.stateDir, store);
  } catch (error) {
    return { status: 'failed', reason: `${trustStorePath(folder.stateDir)} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  return { status: 'forgotten' };
}

/** One line saying what `forgetProjectTrust` did for the folder the user knows as `folderLabel`. */
export function forgetResultLine(result: ForgetResult, folderLabel: string): string {
  switch (result.status) {
    case 'forgotten':
      return `Forgot the trust of ${folderLabel}: the next start asks again before applying its project settings.`;
    case 'not-trusted':
      return `${folderLabel} is not trusted: nothing to forget.`;
    case 'failed':
      return `Could not forget the trust of ${folderLabel}: ${result.reason}.`;
  }
}

/** Replaces the store atomically (temp file, then rename), mode 0600, so no reader ever sees half of it. */
async function writeStore(stateDir: string, store: TrustStore): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const target = trustStorePath(stateDir);
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The store's key for a folder: its real path, so a symlinked checkout shares the decision of its target. */
function folderKey(cwd: string): string {
  try {
    return realpathSync(path.resolve(cwd));
  } catch {
    return path.resolve(cwd);
  }
}

/** The store, empty when missing; `problem` says why one that exists could not be used. */
async function readStore(stateDir: string): Promise<{ store: TrustStore; problem?: string; notes: string[] }> {
  const file = trustStorePath(stateDir);
  const empty = (): TrustStore => ({ version: 1, folders: {} });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { store: empty(), notes: [] };
    const problem = `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`;
    return { store: empty(), problem, notes: [`${problem}: no folder is trusted this run`] };
  }
  const store = text.length <= MAX_STORE_BYTES ? parseStore(text) : undefined;
  if (store) return { store, notes: [] };
  const problem = `${file} is not a trust store shoal wrote`;
  return { store: empty(), problem, notes: [`${problem}: no folder is trusted this run (trusting one rewrites it)`] };
}

function parseStore(text: string): TrustStore | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const folders = (data as { folders?: unknown }).folders;
  if ((data as { version?: unknown }).version !== 1 || typeof folders !== 'object' || folders === null || Array.isArray(folders)) return undefined;
  const store: TrustStore = { version: 1, folders: {} };
  for (const [folder, record] of Object.entries(folders)) {
    // A record we cannot read is one the user never made: skip it rather than trust on it.
    const sha256 = (record as { sha256?: unknown } | null)?.sha256;
    if (typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256)) {
      store.folders[folder] = { sha256, trustedAt: String((record as { trustedAt?: unknown }).trustedAt ?? '') };
    }
  }
  return store;
}
