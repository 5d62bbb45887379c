import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelMessage } from 'ai';
import { loadGitignore, type Gitignore } from '../../workspace/gitignore';
import { isInside } from '../../workspace/paths';
import { outputText } from '../context/estimate';
import type { ToolCallInfo } from '../nodes';
import type { CallOutcome } from '../calls/run-call';
import { readFolderInstructions, type InstructionsFile } from './project-files';
import { touchedPaths } from './touched-paths';

/** One step's calls, their outcomes, and the history before the step. */
export interface FolderInstructionsRequest {
  calls: readonly ToolCallInfo[];
  outcomes: ReadonlyMap<string, CallOutcome>;
  history: readonly ModelMessage[];
}

/** The step's outcomes, some with instructions appended, and the files given, in order. */
export interface FolderInstructionsResult {
  outcomes: Map<string, CallOutcome>;
  given: InstructionsFile[];
}

/**
 * Gives the model the instructions of the subfolders a step's calls worked in.
 * Contract: never rejects.
 */
export type AttachFolderInstructions = (request: FolderInstructionsRequest) => Promise<FolderInstructionsResult>;

/**
 * Instructions of subfolders, delivered as Codex and Claude Code do: when a
 * call that succeeded names a path below a folder (any folder between the
 * workspace root and the path) holding AGENTS.md, CLAUDE.md or GEMINI.md,
 * that file's text is appended to the call's result. The root's file is in
 * the system prompt already. A file is delivered while the history does not
 * hold it: once per session, again after a compaction cleared or summarised
 * the result that carried it, or after the file changed.
 */
export function createFolderInstructions(cwd: string): AttachFolderInstructions {
  return async ({ calls, outcomes, history }) => {
    const result = new Map(outcomes);
    try {
      const root = await realpath(cwd);
      // One read per folder in a step, and one delivery per file in a step.
      const reads = new Map<string, Promise<InstructionsFile | undefined>>();
      const blocksGiven = new Set<string>();
      const given: InstructionsFile[] = [];
      let gitignore: Promise<Gitignore> | undefined;
      const isIgnored = async (file: InstructionsFile) =>
        (await (await (gitignore ??= loadGitignore({ root, base: '.' }))).ignoredFiles([file.path])).has(file.path);
      for (const call of calls) {
        const outcome = result.get(call.toolCallId);
        if (outcome?.status !== 'ok') continue;
        const blocks: string[] = [];
        for (const folder of await foldersOf(root, touchedPaths(call))) {
          if (!reads.has(folder)) reads.set(folder, readFolderInstructions(root, folder));
          const file = await reads.get(folder)!;
          // A dependency's or a build's folder (node_modules/x/CLAUDE.md) speaks for someone else, not this project.
          if (!file || (await isIgnored(file))) continue;
          const block = instructionsBlock(folder, file);
          if (blocksGiven.has(block) || isInHistory(history, block)) continue;
          blocksGiven.add(block);
          given.push(file);
          blocks.push(block);
        }
        if (blocks.length > 0) result.set(call.toolCallId, { ...outcome, output: [outcome.output, ...blocks].join('\n\n') });
      }
      return { outcomes: result, given };
    } catch {
      // Instructions are a help, never a reason for a step to fail.
      return { outcomes: new Map(outcomes), given: [] };
    }
  };
}

/** The line the user sees when a subfolder's file went to the model. */
export function givenNotice(file: InstructionsFile): string {
  return `${file.path} given to the model: it applies to files under ${path.posix.dirname(file.path)}/`;
}

/** What the model reads: which file, which folder it governs, then its text. */
function instructionsBlock(folder: string, file: InstructionsFile): string {
  return `[Instructions from ${file.path} apply to files under ${folder}/]\n${file.text}`;
}

/**
 * The workspace-relative folders below the root that hold `paths`, outer
 * first: those above a file, and a folder itself. Paths outside the
 * workspace name none.
 */
async function foldersOf(root: string, paths: readonly string[]): Promise<string[]> {
  const folders = new Set<string>();
  for (const requested of paths) {
    const absolute = path.resolve(root, requested);
    if (absolute === root || !isInside(root, absolute)) continue;
    const parts = path.relative(root, absolute).split(path.sep);
    const isFolder = await stat(absolute).then((stats) => stats.isDirectory(), () => false);
    for (let depth = 1; depth <= (isFolder ? parts.length : parts.length - 1); depth++) folders.add(parts.slice(0, depth).join('/'));
  }
  return [...folders].sort((a, b) => a.split('/').length - b.split('/').length);
}

// The whole block, text included: a result that only quotes the header (a file read, a web page) does not count.
function isInHistory(history: readonly ModelMessage[], block: string): boolean {
  return history.some(
    (message) => message.role === 'tool' && message.content.some((part) => part.type === 'tool-result' && outputText(part.output).includes(block)),
  );
}
