import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';

const run = promisify(execFile);
const sessions: string[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((name) => run('tmux', ['kill-session', '-t', name]).catch(() => {})));
});

/** A program running in a real pseudo-terminal under tmux, driven by keys like a person would. */
export interface TmuxSession {
  /** Types keys: literal text, or tmux key names such as "Enter", "Escape", "C-c". */
  sendKeys: (...keys: string[]) => Promise<void>;
  sendText: (text: string) => Promise<void>;
  /** The visible screen plus scrollback, as plain text. */
  capture: () => Promise<string>;
  waitFor: (predicate: (screen: string) => boolean, timeoutMs?: number) => Promise<string>;
}

/** Starts `command` in a detached tmux session of the given size; killed after the test. */
export async function startTmux(command: string[], options: { env: Record<string, string>; columns?: number; rows?: number }): Promise<TmuxSession> {
  const name = `shoal-test-${process.pid}-${sessions.length}-${Date.now()}`;
  // CI=true always: CI runs these tests with it set, and shoal must stay interactive in a terminal anyway.
  const environment = Object.entries({ CI: 'true', ...options.env }).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  await run('tmux', [
    'new-session', '-d', '-s', name,
    '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 40),
    ...environment,
    command.map(quote).join(' '),
  ]);
  sessions.push(name);
  const capture = async () => (await run('tmux', ['capture-pane', '-p', '-J', '-S', '-2000', '-t', name])).stdout;
  return {
    sendKeys: async (...keys) => {
      await run('tmux', ['send-keys', '-t', name, ...keys]);
    },
    sendText: async (text) => {
      await run('tmux', ['send-keys', '-t', name, '-l', text]);
    },
    capture,
    waitFor: async (predicate, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = await capture().catch(() => '');
        if (predicate(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`The screen never matched:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
