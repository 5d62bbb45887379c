import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { replaceSnippet } from '../../src/tools/edit/match/match-snippet';
import type { DiskEffect } from './session-arbitrary';

/** Every file (with its text) and directory under a root, by root-relative POSIX path. */
export interface TreeSnapshot {
  files: Map<string, string>;
  directories: Set<string>;
}

/** Reads a whole tree: small workspaces only. */
export async function snapshotTree(root: string): Promise<TreeSnapshot> {
  const snapshot: TreeSnapshot = { files: new Map(), directories: new Set() };
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        snapshot.directories.add(child);
        await walk(child);
      } else {
        snapshot.files.set(child, await readFile(path.join(root, child), 'utf8'));
      }
    }
  };
  await walk('');
  return snapshot;
}

/**
 * The tree a run should leave: `before` with the effects of the calls that
 * ended ok applied in order, as the real tools would apply them. `problems`
 * lists ok calls that could not have succeeded (an update whose snippet the
 * file did not hold, a write outside the workspace): an ok status that lies.
 */
export function replayEffects(
  before: TreeSnapshot,
  effects: readonly { id: string; effect: DiskEffect }[],
  workspaceDir: string,
): { expected: TreeSnapshot; problems: string[] } {
  const files = new Map(before.files);
  const directories = new Set(before.directories);
  const problems: string[] = [];
  for (const { id, effect } of effects) {
    if (effect.type === 'none') continue;
    const target = path.posix.join(workspaceDir, effect.path);
    if (!target.startsWith(`${workspaceDir}/`)) {
      problems.push(`${id} ended ok but writes ${effect.path}, outside the workspace`);
      continue;
    }
    const parents = ancestorsOf(target);
    switch (effect.type) {
      case 'write':
        if (directories.has(target) || parents.some((parent) => files.has(parent))) {
          problems.push(`${id} ended ok but ${effect.path} cannot be a file`);
          break;
        }
        for (const parent of parents) directories.add(parent);
        files.set(target, effect.content);
        break;
      case 'update': {
        const text = files.get(target);
        const occurrences = text === undefined ? 0 : text.split(effect.oldString).length - 1;
        const canApply = effect.oldString !== effect.newString && occurrences > 0 && (effect.isReplaceAll || occurrences === 1);
        if (text !== undefined && canApply) {
          files.set(target, effect.isReplaceAll ? text.split(effect.oldString).join(effect.newString) : text.replace(effect.oldString, () => effect.newString));
          break;
        }
        // Not there exactly: update_file may still match it under a tolerance (tested on its own in test/tools).
        const tolerant =
          text === undefined || occurrences > 0 || effect.oldString === effect.newString
            ? undefined
            : replaceSnippet({
                text,
                edit: { oldString: effect.oldString, newString: effect.newString, isReplaceAll: effect.isReplaceAll },
                maxBytes: Infinity,
              });
        if (tolerant?.type !== 'replaced') {
          problems.push(`${id} ended ok but ${effect.path} held ${JSON.stringify(text)}, where ${JSON.stringify(effect.oldString)} cannot be replaced`);
          break;
        }
        files.set(target, tolerant.text);
        break;
      }
      case 'shell-write':
        // A redirect into a missing directory fails; bash reports the exit code, and the call is still ok.
        if (directories.has(path.posix.dirname(target)) && !directories.has(target)) {
          files.set(target, (effect.isAppend ? (files.get(target) ?? '') : '') + effect.text);
        }
        break;
      case 'shell-remove':
        files.delete(target);
        break;
    }
  }
  return { expected: { files, directories }, problems };
}

/** Paths whose contents (or existence) differ between two snapshots, each with a short reason. */
export function diffTrees(actual: TreeSnapshot, expected: TreeSnapshot): string[] {
  const differences: string[] = [];
  for (const file of new Set([...actual.files.keys(), ...expected.files.keys()])) {
    const [is, shouldBe] = [actual.files.get(file), expected.files.get(file)];
    if (is !== shouldBe) differences.push(`${file}: is ${JSON.stringify(is)}, expected ${JSON.stringify(shouldBe)}`);
  }
  for (const directory of new Set([...actual.directories, ...expected.directories])) {
    if (actual.directories.has(directory) !== expected.directories.has(directory)) {
      differences.push(`${directory}/: ${actual.directories.has(directory) ? 'exists, not expected' : 'missing'}`);
    }
  }
  return differences.sort();
}

/** Files created, changed or removed between two snapshots. */
export function changedFiles(before: TreeSnapshot, after: TreeSnapshot): string[] {
  return [...new Set([...before.files.keys(), ...after.files.keys()])].filter((file) => before.files.get(file) !== after.files.get(file)).sort();
}

function ancestorsOf(target: string): string[] {
  const parents: string[] = [];
  for (let parent = path.posix.dirname(target); parent !== '.'; parent = path.posix.dirname(parent)) parents.unshift(parent);
  return parents;
}
