import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach } from 'vitest';

// A tmux server of this test process's own: sessions on a shared server race with other test files
// (one file killing its last session ends the server while another starts one: "server exited unexpectedly").
const SOCKET = `shoal-test-${process.pid}`;

const run = promisify(execFile);
const sessions: string[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((name) => run('tmux', ['-L', SOCKET, 'kill-session', '-t', name]).catch(() => {})));
});

afterAll(async () => {
  if (server) await run('tmux', ['-L', SOCKET, 'kill-server']).catch(() => {});
});

let server: Promise<unknown> | undefined;

/**
 * The test process's tmux server, kept alive with no session: by default it
 * exits with its last session, and the next test's new-session could reach
 * it while it was going ("server exited unexpectedly").
 */
function ensureServer(): Promise<unknown> {
  server ??= run('tmux', ['-L', SOCKET, 'start-server', ';', 'set-option', '-g', 'exit-empty', 'off']);
  return server;
}

/** A program running in a real pseudo-terminal under tmux, driven by keys like a person would. */
export interface TmuxSession {
  /** Types keys: literal text, or tmux key names such as "Enter", "Escape", "C-c". */
  sendKeys: (...keys: string[]) => Promise<void>;
  sendText: (text: string) => Promise<void>;
  /** The visible screen plus scrollback, as plain text. */
  capture: () => Promise<string>;
  /** Polls the screen until `predicate` holds; generous by default, since the machine may be busy. */
  waitFor: (predicate: (screen: string) => boolean, timeoutMs?: number) => Promise<string>;
  /**
   * Types `text`, waits until the screen shows it, then presses Enter on its own
   * (text and Enter in one burst can read as a paste, where Enter is a newline),
   * pressing it again if the screen does not change.
   */
  submit: (text: string) => Promise<void>;
  /** Closes the terminal, as closing its window does: what runs in it gets SIGHUP. */
  close: () => Promise<void>;
}

const DEFAULT_WAIT_MS = 30_000;

/** Starts `command` in a detached tmux session of the given size; killed after the test. */
export async function startTmux(command: string[], options: { env: Record<string, string>; columns?: number; rows?: number }): Promise<TmuxSession> {
  const name = `shoal-test-${process.pid}-${sessions.length}-${Date.now()}`;
  // CI=true always: CI runs these tests with it set, and shoal must stay interactive in a terminal anyway.
  const environment = Object.entries({ CI: 'true', ...options.env }).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  await ensureServer();
  await run('tmux', ['-L', SOCKET, 
    'new-session', '-d', '-s', name,
    '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 40),
    ...environment,
    command.map(quote).join(' '),
  ]);
  sessions.push(name);
  const capture = async () => (await run('tmux', ['-L', SOCKET, 'capture-pane', '-p', '-J', '-S', '-2000', '-t', name])).stdout;
  const sendKeys = async (...keys: string[]) => {
    await run('tmux', ['-L', SOCKET, 'send-keys', '-t', name, ...keys]);
  };
  const sendText = async (text: string) => {
    await run('tmux', ['-L', SOCKET, 'send-keys', '-t', name, '-l', text]);
  };
  const waitFor = async (predicate: (screen: string) => boolean, timeoutMs = DEFAULT_WAIT_MS) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await capture().catch(() => '');
      if (predicate(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`The screen never matched:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const submit = async (text: string) => {
    await sendText(text);
    // The box may wrap a long line: its last characters are what must be on screen.
    const tail = text.slice(-20);
    await waitFor((screen) => promptRow(screen).includes(tail));
    for (let attempt = 0; attempt < 3; attempt++) {
      await sendKeys('Enter');
      // Taken once the prompt box no longer holds it (spinners change the rest of the screen anyway).
      const isTaken = await waitFor((screen) => !promptRow(screen).includes(tail), 5000).then(() => true, () => false);
      if (isTaken) return;
    }
    throw new Error(`Enter never took ${JSON.stringify(text)}:\n${await capture()}`);
  };
  const close = async () => {
    await run('tmux', ['-L', SOCKET, 'kill-session', '-t', name]);
  };
  return { sendKeys, sendText, capture, waitFor, submit, close };
}

/** The prompt box's rows: from its last top border down (the status bar sits below it). */
function promptRow(screen: string): string {
  const lines = screen.trimEnd().split('\n');
  const top = lines.findLastIndex((line) => line.startsWith('╭'));
  return top === -1 ? '' : lines.slice(top).join('\n');
}

function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
