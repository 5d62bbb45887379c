import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Prompts kept per workspace; older ones are dropped when the file is rewritten. */
export const MAX_HISTORY_ENTRIES = 500;
/** A prompt longer than this (a huge paste) is not worth keeping for recall. */
const MAX_ENTRY_CHARS = 100_000;

/** The prompts sent in one workspace, kept across runs for Up/Down and Ctrl+R. */
export interface PromptHistoryStore {
  /** Oldest first, at most `MAX_HISTORY_ENTRIES`; a missing or damaged file gives what could be read. */
  load: () => Promise<string[]>;
  /** Contract: never rejects; a failed write is reported to `onError` and the prompt is just not kept. */
  append: (prompt: string) => Promise<void>;
}

/**
 * The history file of `workspace` under shoal's state folder:
 * `prompt-history/<sha256 of the path, 16 hex>.jsonl`, one JSON string a line, mode 0600.
 */
export function promptHistoryPath(options: { stateDir: string; workspace: string }): string {
  const key = createHash('sha256').update(path.resolve(options.workspace)).digest('hex').slice(0, 16);
  return path.join(options.stateDir, 'prompt-history', `${key}.jsonl`);
}

/** A store over `promptHistoryPath`; appends a line per prompt and compacts to the cap when it has doubled. */
export function createPromptHistoryStore(options: { stateDir: string; workspace: string; onError?: (error: Error) => void }): PromptHistoryStore {
  const file = promptHistoryPath(options);
  let lines = 0;
  const load = async () => {
    const text = await readFile(file, 'utf8').catch(() => '');
    const entries = text.split('\n').flatMap((line) => {
      try {
        const entry: unknown = JSON.parse(line);
        return typeof entry === 'string' ? [entry] : [];
      } catch {
        // A line cut by a crash mid-write is skipped; the others are still good.
        return [];
      }
    });
    lines = entries.length;
    return entries.slice(-MAX_HISTORY_ENTRIES);
  };
  return {
    load,
    async append(prompt) {
      if (prompt.length > MAX_ENTRY_CHARS) return;
      try {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await appendFile(file, `${JSON.stringify(prompt)}\n`, { mode: 0o600 });
        lines += 1;
        // Rewriting on every prompt would cost a read per prompt; rewriting at twice the cap keeps the file bounded.
        if (lines > 2 * MAX_HISTORY_ENTRIES) {
          const kept = await load();
          await writeFile(file, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''), { mode: 0o600 });
          lines = kept.length;
        }
      } catch (error) {
        options.onError?.(error as Error);
      }
    },
  };
}
