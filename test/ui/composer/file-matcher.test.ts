import { describe, expect, it } from 'vitest';
import { createFileMatcher } from '../../../src/ui/composer/file-matcher';

const manyPaths = () => Array.from({ length: 20_000 }, (_, index) => `pkg-${index % 40}/src/mod-${index % 25}/file-${index}-render.ts`);

describe('createFileMatcher', () => {
  it('finds a file named by a broad query among 20,000 paths that nearly all match it', () => {
    const matcher = createFileMatcher([...manyPaths(), 'docs/README.md', 'src/readline.ts']);
    const found = matcher.find('rea').map(({ path }) => path);
    expect(found).toContain('docs/README.md');
    expect(found).toContain('src/readline.ts');
  });

  it('gives the same answer to a query reached by typing on, or by deleting back, as to a fresh one', () => {
    const paths = [...manyPaths(), 'src/ui/App.tsx'];
    const fresh = (query: string) => createFileMatcher(paths).find(query).map(({ path }) => path);
    const typed = createFileMatcher(paths);
    for (const query of ['a', 'ap', 'app', 'appt']) typed.find(query);
    expect(typed.find('app').map(({ path }) => path)).toEqual(fresh('app'));
    expect(typed.find('appt').map(({ path }) => path)).toEqual(['src/ui/App.tsx']);
    expect(typed.find('zzz')).toEqual([]);
    expect(typed.find('app.t').map(({ path }) => path)).toEqual(fresh('app.t'));
  });
});
