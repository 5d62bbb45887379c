import { useAnimation } from 'ink';
import { createContext, use, type ReactNode } from 'react';

const SpinnerFrame = createContext(0);
const ClockSecond = createContext(0);

/** How often spinners (and running timers) move. */
const TICK_MS = 120;

/**
 * The one clock every spinner reads. Ink's own animation timer is shared, but
 * each subscriber keeps its own phase, so spinners started a few milliseconds
 * apart ticked in separate renders; one subscription here means one render per
 * tick however many spinners run, and none while nothing runs.
 */
export function SpinnerClock({ isActive, children }: { isActive: boolean; children: ReactNode }) {
  const { frame } = useAnimation({ interval: TICK_MS, isActive });
  return (
    <SpinnerFrame value={frame}>
      <ClockSecond value={Math.floor((frame * TICK_MS) / 1000)}>{children}</ClockSecond>
    </SpinnerFrame>
  );
}

/** The current tick of the shared clock. */
export function useSpinnerFrame(): number {
  return use(SpinnerFrame);
}

/** The shared clock in whole seconds: for elapsed-time labels, which need not re-render every tick. */
export function useClockSecond(): number {
  return use(ClockSecond);
}
