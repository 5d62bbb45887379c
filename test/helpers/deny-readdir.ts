import type { readdir } from 'node:fs';
import path from 'node:path';
import { onTestFinished, type Mock } from 'vitest';

/**
 * Makes a pass-through mock of `node:fs`'s callback `readdir` (set up with
 * `vi.mock` in the test file) fail with `codes[name]` for every folder of that
 * name, for the rest of the test: tests may run as root, who reads a 000 folder.
 */
export function denyReaddir(mocked: Mock<typeof readdir>, codes: Record<string, string>): void {
  const actual = mocked.getMockImplementation()!;
  mocked.mockImplementation(((directory: string, options: unknown, callback?: (error: Error | null) => void) => {
    const code = codes[path.basename(String(directory))];
    if (code === undefined) return (actual as (...args: unknown[]) => void)(directory, options, callback);
    const done = (typeof options === 'function' ? options : callback) as (error: Error | null) => void;
    const error = Object.assign(new Error(`${code}: refused by the test, scandir '${String(directory)}'`), { code });
    process.nextTick(() => done(error));
  }) as unknown as typeof readdir);
  onTestFinished(() => {
    mocked.mockImplementation(actual);
  });
}
