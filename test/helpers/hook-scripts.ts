import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HooksConfig } from '../../src/hooks/config';

/** Reads the hook's stdin JSON and prints one field of it, as Claude Code hook scripts do with jq. */
export const READ_FIELD = (field: string) =>
  `node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).${field}))'`;

/**
 * Writes executable shell scripts (name -> body after the shebang) into
 * `dir/hooks` and returns their absolute paths by name.
 */
export async function writeHookScripts(dir: string, scripts: Record<string, string>): Promise<Record<string, string>> {
  const folder = path.join(dir, 'hooks');
  await mkdir(folder, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [name, body] of Object.entries(scripts)) {
    const file = path.join(folder, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    paths[name] = file;
  }
  return paths;
}

/** A `hooks` setting running `command` on `event`, for tools matching `matcher`. */
export function hookOn(event: keyof HooksConfig, command: string, matcher?: string, timeout?: number): HooksConfig {
  return { [event]: [{ ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command, ...(timeout ? { timeout } : {}) }] }] };
}

/** A hook command appending its stdin JSON to `file` in the workspace, one line per run. */
export const RECORD_INPUT = (file: string) => `cat >> "$CLAUDE_PROJECT_DIR/${file}"`;

/** The inputs a `RECORD_INPUT` hook got, in order. */
export async function readRecorded(cwd: string, file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(cwd, file), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A `hooks` setting from a list of (event, matcher, command) entries, each its own group. */
export function hooksOf(entries: readonly { event: keyof HooksConfig; command: string; matcher?: string; timeout?: number }[]): HooksConfig {
  const hooks: HooksConfig = {};
  for (const entry of entries) {
    const group = { ...(entry.matcher ? { matcher: entry.matcher } : {}), hooks: [{ type: 'command' as const, command: entry.command, ...(entry.timeout ? { timeout: entry.timeout } : {}) }] };
    hooks[entry.event] = [...(hooks[entry.event] ?? []), group];
  }
  return hooks;
}
