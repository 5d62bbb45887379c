import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

describe('the npm package', () => {
  // scripts/check-package.mjs packs (which rebuilds dist/), installs the tarball into a temporary prefix and runs it; ~4 s.
  it('installs with npm install -g and runs as shoal: --version and a headless demo turn', async () => {
    const run = await execa(process.execPath, [path.resolve('scripts/check-package.mjs')], { reject: false, stdin: 'ignore', timeout: 60_000 });
    expect(run.stderr).not.toContain('check-package:');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^ok: shoal-\d+\.\d+\.\d+\.tgz \(\d+ files, \d+ KB\) installs and runs shoal/);
  }, 90_000);
});
