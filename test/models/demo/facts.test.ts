import { describe, expect, it } from 'vitest';
import { gatherFacts } from '../../../src/models/demo/facts';

describe('the demo model reading its tool results', () => {
  it('counts the files glob found, not just the 1000 it listed', () => {
    const listed = Array.from({ length: 1000 }, (_, index) => `src/file-${index}.ts`);
    const output = [...listed, '[Showing the 1000 most recently modified of 20000 files. Narrow the pattern or path to see the rest.]'].join('\n');
    const facts = gatherFacts([{ toolName: 'glob', input: { pattern: '**/*' }, output, status: 'ok' }]);
    expect(facts.files).toHaveLength(1000);
    expect(facts.fileCount).toBe(20000);
  });

  it('counts the listed files when glob showed them all', () => {
    const facts = gatherFacts([{ toolName: 'glob', input: { pattern: '**/*' }, output: 'b.ts\na.ts', status: 'ok' }]);
    expect(facts).toMatchObject({ files: ['a.ts', 'b.ts'], fileCount: 2 });
  });
});
