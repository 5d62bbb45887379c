import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error: a plain ES module script without types
import { buildCli } from '../../scripts/build.mjs';

/** Builds the CLI bundle exactly as `npm start` does, into a fresh directory; returns the entry's path. */
export async function buildCliForTest(): Promise<string> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'shoal-cli-'));
  await buildCli({ outdir, quiet: true });
  return path.join(outdir, 'shoal.js');
}
