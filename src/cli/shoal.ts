// The bundle's entry (dist/shoal.js): checks Node's version before anything
// that needs Node 22 is loaded, then loads the CLI. Everything the CLI
// imports comes through the dynamic import, so on an older Node this file
// and node-version.ts are all that is parsed and run.
import { unsupportedNodeMessage } from './node-version';

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported === undefined) {
  await import('./main');
} else {
  process.stderr.write(unsupported);
  process.exitCode = 1;
}
