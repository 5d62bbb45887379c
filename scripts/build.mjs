// Bundles the CLI into ES modules so start-up reads a few files instead of
// resolving hundreds of modules (the first frame has to land under 400 ms).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// Yoga (Ink's layout engine) carries its wasm as a base64 data: URL and loads it with fetch() when
// fetch exists, which in Node loads all of undici before the first frame (~25 ms). Without fetch it
// decodes the base64 itself; this makes it take that path. The build fails if Yoga's code changes shape.
const YOGA_FETCH_TEST = '"function"!=typeof fetch';
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(build) {
    build.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const count = source.split(YOGA_FETCH_TEST).length - 1;
      if (count !== 2) throw new Error(`yoga-without-fetch: expected 2 fetch tests in ${args.path}, found ${count}; update the plugin.`);
      return { contents: source.replaceAll(YOGA_FETCH_TEST, 'true'), loader: 'js' };
    });
  },
};

// cli-highlight (under marked-terminal) requires all of highlight.js: 191 grammars, megabytes resident
// once the markdown renderer loads. Code blocks are in a few dozen languages; the rest show plain.
const highlightSubset = {
  name: 'highlight-subset',
  setup(build) {
    build.onResolve({ filter: /^highlight\.js$/ }, () => ({ path: path.join(root, 'src', 'ui', 'markdown', 'highlight-languages.cjs') }));
  },
};

// marked-terminal imports node-emoji (320 KB of emoji tables) even with emoji: false, as shoal sets it;
// only emoji.get is called, and only when emoji are on.
const noEmoji = {
  name: 'no-emoji',
  setup(build) {
    build.onResolve({ filter: /^node-emoji$/ }, () => ({ path: 'node-emoji', namespace: 'no-emoji' }));
    build.onLoad({ filter: /.*/, namespace: 'no-emoji' }, () => ({ contents: 'export function get() { return undefined; }', loader: 'js' }));
  },
};

/**
 * The AI SDK's Gateway provider, left out: \`ai\` reaches it only for a model
 * named by a string, and shoal always hands it a model object. Leaving it out
 * saves @ai-sdk/gateway and @vercel/oidc (160 KB) and about 9 ms of every start.
 */
const noGateway = {
  name: 'no-gateway',
  setup(build) {
    build.onResolve({ filter: /^@ai-sdk\/gateway$/ }, () => ({ path: 'gateway', namespace: 'no-gateway' }));
    build.onLoad({ filter: /.*/, namespace: 'no-gateway' }, () => ({
      contents: [
        "const absent = () => { throw new Error('shoal does not include the AI Gateway: give the AI SDK a model object, not a model name.'); };",
        'export class GatewayError extends Error { static isInstance() { return false; } }',
        'export class GatewayAuthenticationError extends GatewayError {}',
        'export const createGateway = absent;',
        'export const gateway = absent;',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/** The esbuild options every shoal bundle shares (the CLI's, the benchmark's). */
export function bundleOptions({ entryPoints, outdir, quiet = false, shebang = false }) {
  return {
    absWorkingDir: root,
    // Worker threads load grep-worker.js and web-worker.js from the top of the output directory (src/tools/worker-entry.ts).
    entryPoints: { ...entryPoints, 'grep-worker': 'src/tools/grep/worker.ts', 'web-worker': 'src/tools/web/convert-worker.ts' },
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
    plugins: [yogaWithoutFetch, highlightSubset, noEmoji, noGateway],
    banner: {
      // Bundled CommonJS dependencies call require(); give them one.
      js: `${shebang ? '#!/usr/bin/env node\n' : ''}import { createRequire as __shoalCreateRequire } from 'node:module';\nconst require = __shoalCreateRequire(import.meta.url);`,
    },
  };
}

/** Builds `src/cli/shoal.ts` (the version check, then main.ts) into `outdir` (default dist/), entry `shoal.js`. */
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
