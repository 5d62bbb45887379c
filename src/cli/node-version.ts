// Loaded first by the bundle's entry, on whatever Node runs it: no imports,
// and nothing newer than Node 20 (or older) can parse and run.

/** The oldest Node major shoal runs on; keep in step with `engines` in package.json. */
export const MINIMUM_NODE_MAJOR = 22;

/**
 * Undefined when `version` (as in `process.versions.node`, "24.1.0") is new
 * enough; otherwise the one line to print instead of the crash the bundle
 * would give further in (Node 20: "TEXT_ENCODINGS.union is not a function").
 */
export function unsupportedNodeMessage(version: string): string | undefined {
  const major = Number(version.split('.')[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return (
    `shoal needs Node.js ${MINIMUM_NODE_MAJOR} or newer; this is Node.js ${version}. ` +
    `Install Node ${MINIMUM_NODE_MAJOR} or later (https://nodejs.org, or nvm install ${MINIMUM_NODE_MAJOR}) and run shoal again.\n`
  );
}
