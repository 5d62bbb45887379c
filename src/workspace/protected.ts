/**
 * Files where a write turns into running a program (a git hook, git config,
 * an editor task, direnv) or into changing shoal's own approval settings.
 * Writes to them always ask a person, whatever the approval mode says.
 */

/** Folders whose every file is protected, by folder name (lower case) and why. */
const PROTECTED_FOLDERS: Record<string, string> = {
  '.git': "git's own data: its config and hooks name programs git runs (core.fsmonitor at the next git status, hooks at the next commit)",
  '.shoal': "shoal's project settings: they decide what runs without asking (e.g. approvalMode yolo)",
  '.husky': 'a husky git hook runs as a program on the next commit or push',
  '.idea': 'JetBrains project settings can run programs when the project is opened or built',
};

/** Single files, by the tail of their path (lower case) and why. */
const PROTECTED_FILES: [tail: string, reason: string][] = [
  ['.envrc', 'direnv runs .envrc as a shell script when a shell enters the folder'],
  ['.vscode/settings.json', 'VS Code settings can name programs the editor runs (formatters, terminals, tools)'],
  ['.vscode/tasks.json', 'VS Code tasks run shell commands, some automatically when the folder opens'],
  ['.gitmodules', 'submodule settings tell git which URLs to fetch and commands to run on update'],
  ['.mcp.json', 'MCP server definitions are programs that coding agents start'],
];

/**
 * The protected entries at the workspace root, for the command sandbox, which
 * keeps a command from writing or creating any of them.
 */
export const PROTECTED_ROOT_ENTRIES = { folders: Object.keys(PROTECTED_FOLDERS), files: PROTECTED_FILES.map(([tail]) => tail) } as const;

/**
 * Why a write to `relativePath` (workspace-relative, `/`-separated, symlinks
 * resolved) must always ask, or undefined for an ordinary file. Case-insensitive,
 * since macOS and Windows file systems treat `.GIT/config` as `.git/config`.
 */
export function protectedReason(relativePath: string): string | undefined {
  const segments = relativePath
    .split(/[\\/]+/)
    .filter((segment) => segment !== '' && segment !== '.')
    // Windows drops trailing dots and spaces: `.git.` names `.git` there.
    .map((segment) => segment.toLowerCase().replace(/[. ]+$/, '') || segment);
  // `.git` anywhere, even as the last segment: nested repositories run their hooks too, and a
  // `.git` file (`gitdir: ...`) points git at another config.
  if (segments.includes('.git')) return PROTECTED_FOLDERS['.git'];
  const folder = segments.slice(0, -1).find((segment) => Object.hasOwn(PROTECTED_FOLDERS, segment));
  if (folder !== undefined) return PROTECTED_FOLDERS[folder];
  const joined = segments.join('/');
  for (const [tail, reason] of PROTECTED_FILES) {
    if (joined === tail || joined.endsWith(`/${tail}`)) return reason;
  }
  return undefined;
}
