import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { AUTHOR } from './git';

/** What a checkpoint commit holds: its tree, its parent (none for a session's first), its message and time. */
export interface CommitFields {
  tree: string;
  parent: string | undefined;
  message: string;
  time: Date;
}

/**
 * Writes the commit `git commit-tree TREE [-p PARENT]` would write (author and
 * committer shoal, at `time` in UTC, the message as given) as a loose object
 * of the shadow repository, and returns its id: one git process fewer before
 * every turn. A loose object is `<type> <size>\0<content>`, zlib-compressed, at
 * `objects/<2 hex>/<38 hex>` of its SHA-1: git's format since its first day.
 * The file is written beside and renamed into place, so a reader never sees
 * half of one; an object already there is left as it is.
 */
export async function writeCommitObject(gitDir: string, fields: CommitFields): Promise<string> {
  const signature = `${AUTHOR.name} <${AUTHOR.email}> ${Math.floor(fields.time.getTime() / 1000)} +0000`;
  const parent = fields.parent ? `parent ${fields.parent}\n` : '';
  const content = Buffer.from(`tree ${fields.tree}\n${parent}author ${signature}\ncommitter ${signature}\n\n${fields.message}`, 'utf8');
  const object = Buffer.concat([Buffer.from(`commit ${content.length}\0`, 'latin1'), content]);
  const id = createHash('sha1').update(object).digest('hex');
  const folder = path.join(gitDir, 'objects', id.slice(0, 2));
  const file = path.join(folder, id.slice(2));
  if (await stat(file).then(() => true, () => false)) return id;
  await mkdir(folder, { recursive: true });
  const partial = path.join(folder, `tmp_obj_shoal_${process.pid}_${Math.random().toString(36).slice(2)}`);
  try {
    await writeFile(partial, deflateSync(object, { level: 1 }), { mode: 0o444 });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => {});
    throw error;
  }
  return id;
}
