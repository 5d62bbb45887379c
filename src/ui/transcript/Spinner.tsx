import { Text } from 'ink';
import { useSpinnerFrame } from './SpinnerClock';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner frame from the shared clock (see SpinnerClock), so thirty spinners cost one tick. */
export function Spinner({ color = 'cyan' }: { color?: string }) {
  const frame = useSpinnerFrame();
  return <Text color={color}>{FRAMES[frame % FRAMES.length]}</Text>;
}
