import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker thread's entry is: its TypeScript `source` beside `from`
 * when tests run from source (Node strips the types), else the bundle's
 * `bundled` file at the top of the output directory, beside the entry or
 * above the chunk holding the caller. Throws `missing` when there is none.
 */
export function workerEntry(options: { source: string; bundled: string; from: string; missing: string }): URL {
  const candidates = [options.source, `./${options.bundled}`, `../${options.bundled}`];
  for (const candidate of candidates) {
    const url = new URL(candidate, options.from);
    if (existsSync(url)) return url;
  }
  throw new Error(`${options.missing} (no ${candidates.join(' or ')} beside ${fileURLToPath(options.from)}).`);
}
