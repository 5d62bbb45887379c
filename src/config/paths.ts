import path from 'node:path';
import { isInside as isInsideDirectory } from '../workspace/paths';

/** What decides where shoal keeps its files; pure, so every platform can be tested from any machine. */
export interface ConfigPathOptions {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homedir: string;
}

const PLACES = {
  config: { override: 'SHOAL_CONFIG_DIR', xdg: 'XDG_CONFIG_HOME', windows: 'APPDATA', windowsHome: ['AppData', 'Roaming'], unixHome: ['.config'] },
  state: { override: 'SHOAL_STATE_DIR', xdg: 'XDG_STATE_HOME', windows: 'LOCALAPPDATA', windowsHome: ['AppData', 'Local'], unixHome: ['.local', 'state'] },
} as const;

/**
 * shoal's own folder for configuration or state: the override variable
 * (SHOAL_CONFIG_DIR, SHOAL_STATE_DIR) when set, else under the XDG base
 * directory, else the platform's own place (`~/.config` or `~/.local/state`,
 * `~/Library/Application Support`, `%APPDATA%` or `%LOCALAPPDATA%`).
 */
export function shoalDir(kind: keyof typeof PLACES, { env, platform, homedir }: ConfigPathOptions): string {
  const place = PLACES[kind];
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const override = nonEmpty(env[place.override]);
  if (override) return override;
  // The XDG spec says a relative base directory is invalid and must be ignored.
  const xdg = nonEmpty(env[place.xdg]);
  if (xdg && paths.isAbsolute(xdg)) return paths.join(xdg, 'shoal');
  if (platform === 'win32') return paths.join(nonEmpty(env[place.windows]) ?? paths.join(homedir, ...place.windowsHome), 'shoal');
  if (platform === 'darwin') return paths.join(homedir, 'Library', 'Application Support', 'shoal');
  return paths.join(homedir, ...place.unixHome, 'shoal');
}

/** shoal's own config and state folders, which commands must not read (the config holds the API key). */
export function shoalPrivateDirs(options: ConfigPathOptions): string[] {
  return [shoalDir('config', options), shoalDir('state', options)];
}

/** The user's config file: `config.json` in shoal's config folder (see `shoalDir`). */
export function userConfigPath(options: ConfigPathOptions): string {
  return (options.platform === 'win32' ? path.win32 : path.posix).join(shoalDir('config', options), 'config.json');
}

/** The project's config file relative to the workspace root. */
export const PROJECT_CONFIG_FILE = path.join('.shoal', 'config.json');

/** The project's config file: `.shoal/config.json` at the workspace root (never searched for above it). */
export function projectConfigPath(cwd: string): string {
  return path.join(cwd, PROJECT_CONFIG_FILE);
}

/** `file` as a person would type it: relative inside the workspace, `~/...` inside the home directory, else absolute. */
export function displayPath(file: string, options: { cwd: string; homedir: string }): string {
  if (isInside(file, options.cwd)) return path.relative(options.cwd, file);
  if (options.homedir && isInside(file, options.homedir)) return path.join('~', path.relative(options.homedir, file));
  return file;
}

function isInside(file: string, dir: string): boolean {
  return file !== dir && isInsideDirectory(dir, file);
}

/** Empty or blank environment values count as unset, as in a shell's `VAR= shoal`. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
