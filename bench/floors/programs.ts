import path from 'node:path';

/**
 * The bundled floors (bench/floors/entry.ts), built beside the benchmark's own
 * bundle by bench/run.mjs: the measurement runs as that bundle, so its script
 * path names the folder.
 */
export function floorsEntry(): string {
  return path.join(path.dirname(process.argv[1]!), 'floors.js');
}

/** The minimal Ink app (bench/floors/ink-app.tsx), to spawn in a pseudo-terminal. */
export function inkFloorCommand(): string[] {
  return [process.execPath, floorsEntry(), 'ink'];
}

/** The minimal `streamText` client (bench/floors/stream-text-client.ts): node arguments for one run. */
export function streamTextFloorArgs(options: { baseUrl: string; cwd: string; prompt: string }): string[] {
  return [floorsEntry(), 'stream-text', options.baseUrl, options.cwd, options.prompt];
}
