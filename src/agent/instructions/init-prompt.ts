import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveInWorkspace, toWorkspacePath } from '../../workspace/paths';

/** Files where other agents keep a project's rules: what /init should carry over, when present. */
const OTHER_RULE_FILES = ['CLAUDE.md', 'GEMINI.md', '.cursorrules', '.cursor/rules', '.github/copilot-instructions.md'];

/** The prompt `/init` sends, or why it cannot run (one line for the user). */
export type InitPrompt = { prompt: string; target: string } | { error: string };

/** `/init [FOLDER]` read from a prompt; undefined when the text is not that command. */
export function parseInitCommand(text: string): { folder?: string } | undefined {
  const match = /^\/init(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const folder = match[1]?.trim();
  return folder ? { folder } : {};
}

/**
 * What the user typed (`/init [FOLDER]`) of a message /init sent, or undefined
 * for any other message: the prompt box, /rewind and checkpoint labels show it.
 */
export function typedInitCommand(content: string): string | undefined {
  return /^(\/init(?:[ \t][^\n]*)?)\n\nWrite \S*AGENTS\.md: the instructions coding agents /.exec(content)?.[1];
}

/**
 * The turn `/init` starts: research the repository (or `folder`) with
 * concurrent research_codebase calls, then write its AGENTS.md with
 * write_file or update_file, so the user approves it as a diff. The prompt
 * says whether AGENTS.md exists (improve it) and which other agents' rule
 * files are there (carry them over).
 * Contract: never rejects; a folder outside the workspace or missing is an error.
 */
export async function createInitPrompt(options: { cwd: string; folder?: string }): Promise<InitPrompt> {
  const requested = options.folder ?? '.';
  let absolute: string;
  let root: string;
  try {
    absolute = await resolveInWorkspace(options.cwd, requested);
    root = await resolveInWorkspace(options.cwd, '.');
    if (!(await stat(absolute)).isDirectory()) return { error: `/init takes a folder, and ${requested} is a file: /init alone writes the root's AGENTS.md.` };
  } catch (error) {
    const isMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { error: isMissing ? `/init: there is no folder ${requested} in the workspace.` : `/init: ${(error as Error).message}` };
  }
  const folder = toWorkspacePath(root, absolute);
  const isRoot = folder === '.';
  const target = isRoot ? 'AGENTS.md' : `${folder}/AGENTS.md`;
  const present = async (name: string) => lstat(path.join(absolute, name)).then(() => true, () => false);
  const others = (await Promise.all(OTHER_RULE_FILES.map(async (name) => ((await present(name)) ? name : undefined)))).filter(Boolean);
  const scope = isRoot ? 'this repository' : `the folder ${folder}/`;
  const within = isRoot ? '' : ` (within ${folder}/; pass it as paths)`;
  const existing = (await present('AGENTS.md'))
    ? `${target} exists already: read it first and improve it. Keep what is still true and its owner's wording, correct what the research contradicts, add what is missing, and remove nothing without a reason. Prefer update_file edits to a rewrite.`
    : `There is no ${target} yet.`;
  const carried = others.length > 0 ? ` ${others.map((name) => (isRoot ? name : `${folder}/${name}`)).join(', ')} hold rules for other agents: carry over what still holds.` : '';
  const prompt = [
    `Write ${target}: the instructions coding agents (shoal, Codex, Claude Code) read before working in ${scope}. ${existing}${carried}`,
    `1. Research first, in ONE response: three research_codebase calls${within}, which run concurrently:`,
    '   - Build, test, run: the exact commands to install, build, type-check, lint, run the app, run all tests and one test file; required tool versions, services and environment variables. Cite where each is defined (package.json scripts, Makefile, CI workflows).',
    '   - Layout: what each top-level folder holds, the entry points, which parts may import which, where tests live and how they mirror the source.',
    '   - Conventions: naming, formatting and lint rules, error handling, how tests are written; rules stated in README, CONTRIBUTING or other agents\' rule files.',
    '2. Check what the reports leave uncertain with a few reads of your own; for the commit message style, which the researchers cannot see, run `git log --oneline -15`.',
    `3. Write ${target} with write_file (or update_file for an existing one): the user approves the diff. Sections: Build, test and run (commands in code blocks, exactly as they run); Layout; Conventions; add Gotchas only for real traps found.${isRoot ? '' : " Leave out what the root's instructions already say."} 150-400 words. Only facts from this repository, with paths; no generic advice, no file-by-file listing, nothing invented.`,
    `4. Answer in two or three lines: what ${target} now covers and what you could not confirm.`,
  ].join('\n');
  return { prompt, target };
}
