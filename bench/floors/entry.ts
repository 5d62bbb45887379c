// The floors' entry, shaped like shoal's own (src/cli/shoal.ts): Node's compile
// cache on, then the program through a dynamic import. Bundled beside the
// benchmark with the CLI's esbuild options (bench/run.mjs), so a floor loads its
// libraries the way shoal does and the difference is shoal's own share.
import module from 'node:module';

const floor = process.argv[2];
module.enableCompileCache?.();
if (floor === 'ink') await import('./ink-app');
else if (floor === 'stream-text') await import('./stream-text-client');
else {
  process.stderr.write(`Unknown floor "${floor ?? ''}": use ink or stream-text.\n`);
  process.exitCode = 1;
}
