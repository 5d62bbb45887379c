import { Text, useAnimation } from 'ink';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner frame. Ink's useAnimation shares one timer across every spinner, so thirty cost one tick. */
export function Spinner({ color = 'cyan' }: { color?: string }) {
  const { frame } = useAnimation({ interval: 80 });
  return <Text color={color}>{FRAMES[frame % FRAMES.length]}</Text>;
}
