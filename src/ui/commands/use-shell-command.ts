import { useCallback, useRef, useState } from 'react';
import type { NoticeView } from '../../state/types';
import { currentTools, type ToolSource } from '../../tools/registry';
import { toVisibleLines } from '../visible-text';

/** Lines of a `!` command's output shown in the transcript; the model gets the bash tool's own capped output. */
const SHOWN_LINES = 40;
const SHOWN_LINE_CHARS = 300;

/** The user's own `!` commands: run, shown, and handed to the model as context. */
export interface ShellCommands {
  isRunning: boolean;
  /** Runs `command` with the bash tool; ignored while another runs. */
  run: (command: string) => void;
  /** Stops the running command and every process it started. */
  stop: () => void;
}

/**
 * Runs `!command` lines through the agent's own bash tool (sandboxed and
 * env-scrubbed alike; no approval: the user typed it), shows the output in
 * the transcript, capped and escaped, and tells the model with `tellModel`.
 */
export function useShellCommand(options: {
  tools: ToolSource;
  notify: (text: string, tone?: NoticeView['tone']) => void;
  tellModel: (text: string) => void;
}): ShellCommands {
  const [isRunning, setIsRunning] = useState(false);
  const controller = useRef<AbortController | undefined>(undefined);
  const latest = useRef(options);
  latest.current = options;

  const run = useCallback((command: string) => {
    const { tools, notify, tellModel } = latest.current;
    const bash = currentTools(tools).get('bash');
    if (!bash) return notify('Shell commands are not available in this run (no bash tool).', 'error');
    if (controller.current) return;
    const abort = new AbortController();
    controller.current = abort;
    setIsRunning(true);
    notify(`$ ${toVisibleLines(command).join('\n  ')}`, 'prompt');
    void bash
      .execute({ command }, { signal: abort.signal, toolCallId: `user-shell-${Date.now()}`, batchId: 'user-shell', emit: () => {} })
      .then(
        (result) => {
          notify(shownOutput(result.output));
          tellModel(`(The user ran a command in the workspace themselves: \`${command}\`. Its output:\n${result.output})`);
        },
        (error: Error) => notify(error.message.split('\n')[0]!, 'error'),
      )
      .finally(() => {
        controller.current = undefined;
        setIsRunning(false);
      });
  }, []);
  const stop = useCallback(() => controller.current?.abort(new Error('Stopped by the user')), []);
  return { isRunning, run, stop };
}

function shownOutput(output: string): string {
  const lines = toVisibleLines(output).map((line) => (line.length > SHOWN_LINE_CHARS ? `${line.slice(0, SHOWN_LINE_CHARS)}…` : line));
  if (lines.length <= SHOWN_LINES) return lines.join('\n');
  const head = lines.slice(0, SHOWN_LINES / 2);
  const tail = lines.slice(-SHOWN_LINES / 2);
  return [...head, `… ${lines.length - SHOWN_LINES} lines not shown (the model gets them) …`, ...tail].join('\n');
}
