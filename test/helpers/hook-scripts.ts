import { chmod, mkdir, writeFile } from 'node:fs/promises';
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
