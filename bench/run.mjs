// Bundles the benchmark (TypeScript with extensionless imports, like src/) the
// way scripts/build.mjs bundles the CLI, then runs it. `npm run bench` builds
// dist/ first, which the start-up figures spawn.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from '../scripts/build.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, '.bench-tmp');

rmSync(outdir, { recursive: true, force: true });
await build(bundleOptions({ entryPoints: { bench: 'bench/run.ts', floors: 'bench/floors/entry.ts' }, outdir, quiet: true }));

const child = spawn(process.execPath, ['--enable-source-maps', path.join(outdir, 'bench.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  rmSync(outdir, { recursive: true, force: true });
  process.exitCode = code ?? (signal ? 1 : 0);
});
