import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { buildCli } from '../../scripts/build.mjs';

const built: string[] = [];

afterAll(async () => {
  await Promise.all(built.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Builds the CLI bundle exactly as `npm start` does, into a fresh directory removed after the file's tests; returns the entry's path. */
export async function buildCliForTest(): Promise<string> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'shoal-cli-'));
  built.push(outdir);
  await buildCli({ outdir, quiet: true });
  return path.join(outdir, 'shoal.js');
}
