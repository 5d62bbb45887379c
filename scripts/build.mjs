// Bundles the CLI into ES modules so start-up reads a few files instead of
// resolving hundreds of modules (the first frame has to land under 400 ms).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The esbuild options every shoal bundle shares (the CLI's, the benchmark's). */
export function bundleOptions({ entryPoints, outdir, quiet = false, shebang = false }) {
  return {
    absWorkingDir: root,
    // grep's worker threads load grep-worker.js from the top of the output directory (src/tools/grep/pool.ts).
    entryPoints: { ...entryPoints, 'grep-worker': 'src/tools/grep/worker.ts' },
    outdir,
    // Chunks let `--version` and `--help` skip loading the AI SDK and Ink, and keep
    // Ink's devtools (which import the absent react-devtools-core) in a chunk never loaded.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    jsx: 'automatic',
    sourcemap: 'linked',
    logLevel: quiet ? 'error' : 'warning',
    // React and Ink in production mode.
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['react-devtools-core'],
    banner: {
      // Bundled CommonJS dependencies call require(); give them one.
      js: `${shebang ? '#!/usr/bin/env node\n' : ''}import { createRequire as __shoalCreateRequire } from 'node:module';\nconst require = __shoalCreateRequire(import.meta.url);`,
    },
  };
}

/** Builds `src/cli/shoal.ts` (then main.ts) into `outdir` (default dist/), entry `shoal.js`. */
export async function buildCli({ outdir = path.join(root, 'dist'), quiet = false } = {}) {
  const started = performance.now();
  // Chunk names carry content hashes: clear old ones so dist/ holds one build.
  rmSync(outdir, { recursive: true, force: true });
  // The entry checks the Node version and then imports main.ts, which lands in a chunk of its own.
  await build(bundleOptions({ entryPoints: { shoal: 'src/cli/shoal.ts' }, outdir, quiet, shebang: true }));
  if (!quiet) console.log(`built ${path.relative(root, outdir) || '.'}/shoal.js in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli({ quiet: process.argv.includes('--quiet') });
}
