import { useEffect, useRef } from 'react';
import { notificationSequence, resolveNotifyMode, type NotifyMode } from './notification';

/** Turns shorter than this end without a notification: the user is still looking. */
export const DEFAULT_NOTIFY_AFTER_MS = 5000;

/**
 * Notifies when a turn that ran at least `afterMs` ends, and when an approval
 * starts to wait, by writing straight to the terminal (never through Ink's frame).
 */
export function useNotifications(options: {
  mode: NotifyMode;
  isRunning: boolean;
  /** The key of the call waiting for approval, and its tool, if one waits. */
  pending: { key: string; toolName: string } | undefined;
  write: (bytes: string) => void;
  afterMs?: number;
  /** Told every message shoal notifies with, whatever the mode: the user's Notification hooks run on it. */
  onNotify?: (message: string) => void;
}): void {
  const startedAt = useRef<number | undefined>(undefined);
  const mode = resolveNotifyMode(options.mode, process.env);
  const send = (body: string) => {
    options.onNotify?.(body);
    const bytes = notificationSequence({ mode, title: 'shoal', body });
    if (bytes) options.write(bytes);
  };
  useEffect(() => {
    if (options.isRunning) {
      startedAt.current = Date.now();
      return;
    }
    if (startedAt.current === undefined) return;
    const took = Date.now() - startedAt.current;
    startedAt.current = undefined;
    if (took >= (options.afterMs ?? DEFAULT_NOTIFY_AFTER_MS)) send('the turn has ended');
  }, [options.isRunning]);
  useEffect(() => {
    if (options.pending) send(`${options.pending.toolName} waits for your approval`);
  }, [options.pending?.key]);
}
