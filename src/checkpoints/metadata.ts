import { type GitContext, runGit } from './git';
import { type RawPath, toText } from './raw-path';
import type { RawSkipped } from './stage';
import type { Checkpoint } from './types';

/** Bump when the commit message's JSON changes shape; older messages are still read. */
const METADATA_VERSION = 1;
/** The first line of a commit message is for people running `git log` in the store. */
const MAX_SUBJECT_CHARS = 100;

/** What a checkpoint's commit message carries besides its tree. */
export interface CheckpointMetadata {
  label: string;
  time: Date;
  /** Raw paths (see raw-path.ts), as restore needs them. */
  skipped: RawSkipped[];
}

/** Every session's refs live under `refs/shoal/<session>/`; the last segment is the checkpoint's number. */
export function sessionRefPrefix(sessionId: string): string {
  return `refs/shoal/${sessionId}/`;
}

/**
 * The commit message: the label on its first line, then one line of ASCII-only
 * JSON (label, time, skipped files), so no name or label can break the message
 * or be re-encoded by git.
 */
export function commitMessage(metadata: CheckpointMetadata): string {
  const subject = metadata.label.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim().slice(0, MAX_SUBJECT_CHARS) || 'checkpoint';
  const json = JSON.stringify({
    shoalCheckpoint: METADATA_VERSION,
    label: metadata.label,
    time: metadata.time.toISOString(),
    skipped: metadata.skipped,
  }).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${subject}\n\n${json}\n`;
}

/** The metadata of a commit message written by `commitMessage`; undefined for any other commit. */
export function parseCommitMessage(message: string): CheckpointMetadata | undefined {
  const line = message.trimEnd().split('\n').at(-1) ?? '';
  try {
    const parsed = JSON.parse(line) as { shoalCheckpoint?: unknown; label?: unknown; time?: unknown; skipped?: unknown };
    if (typeof parsed.shoalCheckpoint !== 'number' || typeof parsed.label !== 'string' || typeof parsed.time !== 'string') return undefined;
    const time = new Date(parsed.time);
    if (Number.isNaN(time.getTime())) return undefined;
    const skipped = Array.isArray(parsed.skipped) ? parsed.skipped.filter(isRawSkipped) : [];
    return { label: parsed.label, time, skipped };
  } catch {
    return undefined;
  }
}

function isRawSkipped(value: unknown): value is RawSkipped {
  const candidate = value as Partial<RawSkipped> | null;
  return typeof candidate?.path === 'string' && typeof candidate.reason === 'string';
}

/** A checkpoint as the API shows it: paths decoded to text. */
export function toCheckpoint(options: { id: string; sessionId: string; number: number; metadata: CheckpointMetadata }): Checkpoint {
  const { metadata } = options;
  return {
    id: options.id,
    sessionId: options.sessionId,
    number: options.number,
    label: metadata.label,
    time: metadata.time,
    skipped: metadata.skipped.map((file) => ({ ...file, path: toText(file.path) })),
  };
}

/** One checkpoint ref with its commit: what `listSession` reads. */
export interface CheckpointEntry {
  id: string;
  number: number;
  metadata: CheckpointMetadata;
}

/**
 * The session's checkpoints from its refs, oldest (lowest number) first; a
 * ref whose commit is not a checkpoint's is passed over. Contract: never rejects.
 */
export async function listSession(context: GitContext, sessionId: string): Promise<{ ok: true; entries: CheckpointEntry[] } | { ok: false; error: string }> {
  const prefix = sessionRefPrefix(sessionId);
  const result = await runGit(context, ['for-each-ref', '--format=%00%(refname)%00%(objectname)%00%(contents)', prefix]);
  if (!result.ok) return result;
  const fields = result.stdout.toString('utf8').split('\0').slice(1);
  const entries: CheckpointEntry[] = [];
  for (let index = 0; index + 2 < fields.length; index += 3) {
    const number = Number(fields[index]!.slice(prefix.length));
    const metadata = parseCommitMessage(fields[index + 2]!);
    if (Number.isInteger(number) && number > 0 && metadata) entries.push({ id: fields[index + 1]!, number, metadata });
  }
  entries.sort((a, b) => a.number - b.number);
  return { ok: true, entries };
}

/** Commit ids as git prints them: SHA-1, or SHA-256 in a repository made with it. */
const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The metadata of checkpoint `id`, read from its commit; an error for an id
 * that is malformed, unknown to the store, or not a checkpoint's commit.
 * Contract: never rejects.
 */
export async function readCheckpoint(context: GitContext, id: string): Promise<{ ok: true; metadata: CheckpointMetadata } | { ok: false; error: string }> {
  if (!COMMIT_ID.test(id)) return { ok: false, error: `"${id.slice(0, 80)}" is not a checkpoint id` };
  const result = await runGit(context, ['cat-file', 'commit', id]);
  if (!result.ok) return { ok: false, error: `no checkpoint ${id.slice(0, 12)} in this workspace's store` };
  const text = result.stdout.toString('utf8');
  const metadata = parseCommitMessage(text.slice(text.indexOf('\n\n') + 2));
  return metadata ? { ok: true, metadata } : { ok: false, error: `${id.slice(0, 12)} is not a checkpoint` };
}

/** The raw paths a checkpoint left out because of their size or permissions: restore never deletes these. */
export function keptPaths(metadata: CheckpointMetadata): Set<RawPath> {
  return new Set(metadata.skipped.filter((file) => file.reason !== 'nested-repository').map((file) => file.path));
}
