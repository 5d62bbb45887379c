import { type GitContext, runGit } from './git';
import type { RawPath } from './raw-path';

/** One path that differs between a checkpoint's tree and the index, as `git diff-index --raw` gives it. */
export interface TreeDifference {
  /** A: only in the index (the workspace now); D: only in the checkpoint; M: changed; T: changed type. */
  status: 'A' | 'D' | 'M' | 'T';
  path: RawPath;
  /** The checkpoint's side: mode and object id ("000000" and zeros when it has no such path). */
  mode: string;
  object: string;
}

/**
 * How the index (the workspace as last staged) differs from commit `id`,
 * limited to `pathspecs` (text, workspace-relative, literal: see `gitEnvironment`) when given.
 * Contract: never rejects.
 */
export async function compareWithIndex(context: GitContext, id: string, pathspecs: readonly string[] = []): Promise<{ ok: true; differences: TreeDifference[] } | { ok: false; error: string }> {
  const args = ['diff-index', '--cached', '--raw', '-z', '--no-renames', '--no-abbrev', '--ignore-submodules=none', id];
  if (pathspecs.length > 0) args.push('--', ...pathspecs);
  const result = await runGit(context, args);
  if (!result.ok) return result;
  // Records: ":<old mode> <new mode> <old id> <new id> <status>\0<path>\0".
  const fields = result.stdout.toString('latin1').split('\0');
  const differences: TreeDifference[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const [oldMode = '', , oldObject = '', , status = ''] = fields[index]!.slice(1).split(' ');
    if (status === 'A' || status === 'D' || status === 'M' || status === 'T') differences.push({ status, path: fields[index + 1]!, mode: oldMode, object: oldObject });
  }
  return { ok: true, differences };
}
