/**
 * Moves .gitignore rules written for a folder above the workspace down to the
 * workspace itself. The shadow repository's work tree is the workspace, so
 * git never reads the .gitignore files of the folders above it (when the
 * workspace is a subfolder of the user's repository) nor that repository's
 * `.git/info/exclude`; their rules are rewritten here, relative to the
 * workspace, into the shadow repository's own exclude file.
 */

/**
 * The lines of `text` (a .gitignore written for a folder `relativeWorkspace`
 * above the workspace, e.g. "packages/app"; "" when written for the workspace
 * itself) that still apply inside the workspace, rewritten relative to it.
 * A rule without a slash applies at any depth and is kept as it is; an
 * anchored one (`/build`, `packages/app/dist`, `**\/gen/*.ts`) is matched
 * against the workspace's path segment by segment, and what is left of it is
 * anchored at the workspace root. Rules that only match the workspace itself or
 * the folders above it are dropped: the workspace was chosen by name, so only
 * what is inside it is judged (as `loadGitignore` does for a base).
 */
export function translateIgnoreRules(text: string, relativeWorkspace: string): string[] {
  const workspaceSegments = relativeWorkspace === '' ? [] : relativeWorkspace.split('/');
  const lines: string[] = [];
  for (const line of text.split('\n')) lines.push(...translateLine(line, workspaceSegments));
  return lines;
}

function translateLine(line: string, workspaceSegments: readonly string[]): string[] {
  const rule = parseRule(line);
  if (rule === undefined) return [];
  // No slash but a trailing one: the rule matches a name at any depth, below the workspace as above it.
  if (!rule.isAnchored) return [line];
  const prefix = rule.isNegated ? '!' : '';
  const suffix = rule.isDirectoryOnly ? '/' : '';
  const residues = new Set<string>();
  collectResidues(rule.segments, 0, workspaceSegments, 0, residues);
  return [...residues].map((residue) => `${prefix}/${residue}${suffix}`);
}

interface Rule {
  isNegated: boolean;
  isDirectoryOnly: boolean;
  /** True when the rule has a slash before its end: it is matched from its own folder, not at any depth. */
  isAnchored: boolean;
  /** The pattern split at `/`, leading slash and trailing slash removed, escapes kept. */
  segments: string[];
}

/** One .gitignore line as git reads it; undefined for blanks and comments. */
function parseRule(line: string): Rule | undefined {
  let body = trimTrailingSpaces(line);
  if (body === '' || body.startsWith('#')) return undefined;
  const isNegated = body.startsWith('!');
  if (isNegated) body = body.slice(1);
  const isDirectoryOnly = body.endsWith('/') && !body.endsWith('\\/');
  if (isDirectoryOnly) body = body.slice(0, -1);
  if (body === '') return undefined;
  const isAnchored = body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  return { isNegated, isDirectoryOnly, isAnchored, segments: body.split('/') };
}

/** Git drops trailing spaces unless the last one is escaped with a backslash. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ') end--;
  if (end < line.length && end > 0 && line[end - 1] === '\\') end++;
  return line.slice(0, end);
}

/**
 * Walks the rule's segments against the workspace's; each way the workspace's
 * path can be consumed leaves a residue, the rule as seen from the workspace.
 */
function collectResidues(pattern: readonly string[], at: number, workspace: readonly string[], depth: number, residues: Set<string>): void {
  if (depth === workspace.length) {
    // Nothing left: the rule matches the workspace itself or a folder above it.
    if (at < pattern.length) residues.add(pattern.slice(at).join('/'));
    return;
  }
  if (at === pattern.length) return;
  const segment = pattern[at]!;
  if (segment === '**') {
    collectResidues(pattern, at + 1, workspace, depth, residues);
    collectResidues(pattern, at, workspace, depth + 1, residues);
    return;
  }
  if (segmentPattern(segment).test(workspace[depth]!)) collectResidues(pattern, at + 1, workspace, depth + 1, residues);
}

/** One path segment's glob (`*`, `?`, `[a-z]`, `[!x]`, `\` escapes) as a RegExp over a whole name. */
export function segmentPattern(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '\\' && index + 1 < glob.length) {
      source += escapeRegExp(glob[++index]!);
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', index + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let inside = glob.slice(index + 1, close);
      const isNegated = inside.startsWith('!') || inside.startsWith('^');
      if (isNegated) inside = inside.slice(1);
      source += `[${isNegated ? '^' : ''}${inside.replace(/[\\\]]/g, (found) => `\\${found}`)}]`;
      index = close;
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A rule that matches exactly `raw` (a workspace-relative path) from the workspace root: every glob character escaped. */
export function literalRule(raw: string): string {
  return `/${raw.replace(/[\\*?[\]!#]/g, '\\$&').replace(/ $/, '\\ ')}`;
}
