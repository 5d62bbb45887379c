/**
 * File names as git prints them are bytes, not always UTF-8. Inside the store
 * a path is kept as a "raw" string, one char per byte (latin1), so a name that
 * is not valid UTF-8 goes back to git and to the file system byte for byte.
 * Only what the API returns is decoded to UTF-8.
 */

/** A workspace-relative path, one char per byte, `/`-separated, as git prints it with `-z`. */
export type RawPath = string;

/** The raw form of a path given as text (UTF-8). */
export function toRaw(text: string): RawPath {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The path as text for the API and messages (invalid UTF-8 shows as U+FFFD). */
export function toText(raw: RawPath): string {
  return Buffer.from(raw, 'latin1').toString('utf8');
}

/** The absolute path of `raw` under `root`, as a Buffer so every byte reaches the file system unchanged. */
export function absoluteBytes(root: string, raw: RawPath): Buffer {
  return Buffer.concat([Buffer.from(`${root}/`, 'utf8'), Buffer.from(raw, 'latin1')]);
}

/** NUL-terminated records, the way git's `-z` and `--stdin -z` read and write them. */
export function nulRecords(records: readonly string[]): Buffer {
  return Buffer.from(records.map((record) => `${record}\0`).join(''), 'latin1');
}

/** Splits git's `-z` output into raw records, dropping the empty one after the last NUL. */
export function splitNul(output: Buffer): RawPath[] {
  const text = output.toString('latin1');
  if (text === '') return [];
  const records = text.split('\0');
  if (records.at(-1) === '') records.pop();
  return records;
}

/** "a/b/c" -> ["a", "a/b"]: the directories a path passes through, outermost first. */
export function parentsOf(raw: RawPath): RawPath[] {
  const parents: RawPath[] = [];
  for (let slash = raw.indexOf('/'); slash !== -1; slash = raw.indexOf('/', slash + 1)) parents.push(raw.slice(0, slash));
  return parents;
}
