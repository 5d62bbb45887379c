import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

/**
 * The house, top to bottom (README "Layout"): each folder may import only the
 * folders listed for it. `agent/nodes.ts` is the one contract every layer may
 * read, type-only, so tools can forward a sub-agent's nodes.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  cli: ['ui', 'state', 'agent', 'models', 'tools', 'workspace', 'session', 'config', 'checkpoints', 'hooks'],
  ui: ['state', 'agent', 'models', 'tools', 'workspace', 'session', 'config', 'checkpoints', 'hooks'],
  state: ['agent'],
  session: ['agent', 'config', 'workspace'],
  config: ['agent', 'models', 'workspace', 'hooks'],
  agent: ['tools', 'models', 'workspace', 'hooks'],
  hooks: ['tools', 'workspace'],
  models: [],
  tools: ['workspace'],
  checkpoints: ['workspace'],
  workspace: [],
};
const CONTRACT = 'agent/nodes';

/**
 * The rooms of `ui/` (as Ink keeps `components/` and `hooks/` apart; here
 * `react-hooks/`, since `src/hooks` runs the user's hook commands) and the
 * other rooms each may use; `(root)` is the app's frame: App, run-tui, the
 * status bar, the trust prompt and the text helpers every room shares.
 * A type-only import is allowed in either direction.
 */
const UI_ROOMS: Record<string, readonly string[]> = {
  '(root)': ['transcript', 'composer', 'commands', 'react-hooks', 'approval', 'markdown', 'rewind'],
  transcript: ['(root)', 'markdown', 'react-hooks'],
  composer: ['(root)'],
  commands: ['(root)', 'react-hooks'],
  'react-hooks': ['(root)', 'composer', 'rewind'],
  approval: ['(root)'],
  markdown: ['(root)'],
  rewind: ['(root)', 'commands', 'react-hooks'],
};
/** Source files a folder may hold side by side before it wants rooms of its own. */
const MAX_FILES_IN_A_FOLDER = 20;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Arrow {
  from: string;
  to: string;
  isTypeOnly: boolean;
}

function arrowsOf(file: string): Arrow[] {
  const text = readFileSync(file, 'utf8');
  const from = path.relative(SRC, file).split(path.sep).join('/');
  const arrows: Arrow[] = [];
  const pattern = /(import\s+type\s[^'"]*?from\s*|(?:from|import\(|import)\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) {
    const target = path.relative(SRC, path.resolve(path.dirname(file), match[2]!)).split(path.sep).join('/');
    if (target.startsWith('..')) continue; // package.json
    arrows.push({ from, to: target.replace(/\.tsx?$/, ''), isTypeOnly: match[1]!.startsWith('import type') });
  }
  return arrows;
}

const folderOf = (file: string) => file.split('/')[0]!;

describe('the source tree', () => {
  const files = sourceFiles(SRC);

  it('keeps every source file in a folder the layering knows', () => {
    const loose = files.map((file) => path.relative(SRC, file)).filter((file) => !(folderOf(file) in MAY_IMPORT) || !file.includes(path.sep));
    expect(loose).toEqual([]);
  });

  it('has no import that runs back up the house', () => {
    const upward = files
      .flatMap(arrowsOf)
      .filter(({ from, to, isTypeOnly }) => {
        const source = folderOf(from);
        const target = folderOf(to);
        if (source === target) return false;
        if (to === CONTRACT && isTypeOnly) return false;
        return !MAY_IMPORT[source]!.includes(target);
      })
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(upward).toEqual([]);
  });

  it('sees the arrows it checks (a parser that found none would pass anything)', () => {
    const arrows = files.flatMap(arrowsOf);
    expect(arrows.some((arrow) => arrow.from === 'cli/main.ts' && arrow.to === 'ui/run-tui')).toBe(true);
    expect(arrows.some((arrow) => arrow.from === 'tools/types.ts' && arrow.to === CONTRACT && arrow.isTypeOnly)).toBe(true);
  });

  it('keeps ui in rooms that use only the rooms they are meant to', () => {
    const roomOf = (file: string) => {
      const parts = file.split('/');
      return parts.length > 2 ? parts[1]! : '(root)';
    };
    const strays = files.map((file) => path.relative(SRC, file).split(path.sep).join('/')).filter((file) => file.startsWith('ui/') && !(roomOf(file) in UI_ROOMS));
    expect(strays).toEqual([]);
    const crossings = files
      .flatMap(arrowsOf)
      .filter(({ from, to, isTypeOnly }) => from.startsWith('ui/') && to.startsWith('ui/') && !isTypeOnly)
      .filter(({ from, to }) => roomOf(from) !== roomOf(to) && !UI_ROOMS[roomOf(from)]!.includes(roomOf(to)))
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(crossings).toEqual([]);
  });

  it('keeps the shell, the command runner and its sandbox, in a room of tools', () => {
    const shell = readdirSync(path.join(SRC, 'tools', 'shell')).sort();
    expect(shell).toEqual(['bash.ts', 'command-env.ts', 'process-tree.ts', 'sandbox.ts']);
  });

  it(`has no folder of more than ${MAX_FILES_IN_A_FOLDER} source files side by side`, () => {
    const count = new Map<string, number>();
    for (const file of files) count.set(path.dirname(file), (count.get(path.dirname(file)) ?? 0) + 1);
    const crowded = [...count].filter(([, files]) => files > MAX_FILES_IN_A_FOLDER).map(([folder, files]) => `${path.relative(SRC, folder)}: ${files}`);
    expect(crowded).toEqual([]);
  });
});
