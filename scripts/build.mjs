// Bundles the CLI into one ES module so start-up reads one file instead of
// resolving hundreds of modules (the first frame has to land under 400 ms).
import { build } from 'esbuild';

const quiet = process.argv.includes('--quiet');
const started = performance.now();
await build({
  entryPoints: { shoal: 'src/cli.ts' },
  outdir: 'dist',
  // Chunks let `--version` skip loading the AI SDK and Ink.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  jsx: 'automatic',
  minifyWhitespace: false,
  sourcemap: 'linked',
  logLevel: quiet ? 'error' : 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: {
    // Bundled CommonJS dependencies call require(); give them one.
    js: "#!/usr/bin/env node\nimport { createRequire as __shoalCreateRequire } from 'node:module';\nconst require = __shoalCreateRequire(import.meta.url);",
  },
});
if (!quiet) console.log(`built dist/shoal.js in ${Math.round(performance.now() - started)} ms`);
