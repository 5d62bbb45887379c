/** Text on one line of at most `width` characters: whitespace runs folded, the cut marked with "…". */
export function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(1, width - 1))}…`;
}

/** The clock every node's `time` is on (epoch milliseconds, sub-millisecond precision); UI timers compare against it. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
