// The bundle's entry (dist/shoal.js). It must stay tiny: everything it imports
// statically loads before `--version` can answer and before the compile cache
// is on, and on a Node older than 22 this file and node-version.ts are all
// that is parsed and run. The CLI comes in through the dynamic import.
import module from 'node:module';
import packageJson from '../../package.json' with { type: 'json' };
import { unsupportedNodeMessage } from './node-version';

const unsupported = unsupportedNodeMessage(process.versions.node);
const args = process.argv.slice(2);
if (unsupported !== undefined) {
  process.stderr.write(unsupported);
  process.exitCode = 1;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // What commander would print, without loading commander and the CLI's chunks.
  process.stdout.write(`${packageJson.version}\n`);
} else {
  // V8's compiled code for shoal's megabytes of chunks, kept between runs (Node 22.1+; in Node's
  // default place under the temp dir, keyed by file content and Node version; NODE_DISABLE_COMPILE_CACHE=1 turns it off).
  module.enableCompileCache?.();
  await import('./main');
}
