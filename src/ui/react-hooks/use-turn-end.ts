import { useEffect, useRef } from 'react';

/** Time for Ink to paint a turn's last frame, and for a queued message to start the next turn, before the turn counts as ended. */
export const TURN_END_SETTLE_MS = 100;

/**
 * Calls `onEnd` once a turn has ended and no other turn began within
 * `TURN_END_SETTLE_MS`: the moment the user is reading and nothing waits on
 * shoal.
 */
export function useTurnEnd(isRunning: boolean, onEnd: (() => void) | undefined): void {
  const hasRun = useRef(false);
  useEffect(() => {
    if (isRunning) {
      hasRun.current = true;
      return;
    }
    if (!hasRun.current || !onEnd) return;
    const timer = setTimeout(onEnd, TURN_END_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [isRunning]);
}
