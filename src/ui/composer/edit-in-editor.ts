import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nonEmpty } from '../../config/paths';

/** What editing the prompt in an editor gave: the new text, or a one-line reason it did not work. */
export type EditorResult = { type: 'edited'; text: string } | { type: 'failed'; message: string };

/**
 * Opens `text` in `$VISUAL`, else `$EDITOR`, else `vi`, with the terminal
 * handed over: `setRawMode(false)` first, and the editor inherits stdin and
 * stdout while shoal waits (synchronously, so Ink draws nothing meanwhile).
 * Contract: never throws; the caller restores raw mode.
 */
export function editInEditor(options: { text: string; env: NodeJS.ProcessEnv; setRawMode: (isEnabled: boolean) => void }): EditorResult {
  const editor = nonEmpty(options.env.VISUAL) ?? nonEmpty(options.env.EDITOR) ?? 'vi';
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-prompt-'));
  const file = path.join(dir, 'prompt.md');
  try {
    writeFileSync(file, options.text, { mode: 0o600 });
    options.setRawMode(false);
    // Through sh, as git runs core.editor: EDITOR may carry arguments ("code --wait").
    const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'shoal-editor', file], { stdio: 'inherit', env: options.env });
    if (result.error) return { type: 'failed', message: `Could not start the editor ${editor}: ${result.error.message}` };
    if (result.status !== 0) return { type: 'failed', message: `The editor ${editor} exited with ${result.status ?? result.signal}; the prompt is unchanged.` };
    // Editors end a file with a newline the user did not type.
    return { type: 'edited', text: readFileSync(file, 'utf8').replace(/\r\n?/g, '\n').replace(/\n$/, '') };
  } catch (error) {
    return { type: 'failed', message: `Editing in ${editor} failed: ${(error as Error).message}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
