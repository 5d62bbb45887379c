import type { NotifyMode } from '../../config/settings';

export type { NotifyMode };

/** Most characters of a notification's text: a desktop banner shows one short line. */
const MAX_NOTIFICATION_CHARS = 120;

/**
 * What `auto` means in this terminal: OSC 9 where the terminal is known to show
 * it (iTerm2, WezTerm, ghostty, Windows Terminal), OSC 777 for foot, kitty and
 * urxvt, else the bell. Inside tmux or screen the bell, which they pass on.
 */
export function resolveNotifyMode(mode: NotifyMode, env: NodeJS.ProcessEnv): Exclude<NotifyMode, 'auto'> {
  if (mode !== 'auto') return mode;
  if (env.TMUX || env.STY) return 'bell';
  const program = env.TERM_PROGRAM ?? '';
  if (['iTerm.app', 'WezTerm', 'ghostty'].includes(program) || env.WT_SESSION) return 'osc9';
  if (/^(foot|xterm-kitty|rxvt)/.test(env.TERM ?? '')) return 'osc777';
  return 'bell';
}

/** The bytes to write for one notification; control characters are removed so the text cannot end the sequence early. */
export function notificationSequence(options: { mode: Exclude<NotifyMode, 'auto'>; title: string; body: string }): string {
  const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f;]/g, ' ').slice(0, MAX_NOTIFICATION_CHARS);
  switch (options.mode) {
    case 'off':
      return '';
    case 'bell':
      return '\u0007';
    case 'osc9':
      return `\u001b]9;${clean(`${options.title}: ${options.body}`)}\u0007`;
    case 'osc777':
      return `\u001b]777;notify;${clean(options.title)};${clean(options.body)}\u0007`;
  }
}
