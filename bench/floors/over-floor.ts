import { median } from '../measure';
import type { Row } from '../table';

/** Figures of one kind measured in interleaved rounds: shoal's and its floor's, round by round. */
export interface PairedFigures {
  values: readonly number[];
  floors: readonly number[];
}

/**
 * The median of round-by-round differences `values[i] - floors[i]`: each pair
 * ran back to back, so a burst of load from another process lands on both
 * sides of one difference rather than on one side of the medians.
 */
export function medianDifference({ values, floors }: PairedFigures): number {
  if (values.length !== floors.length) throw new Error(`${values.length} figures against ${floors.length} floors: the rounds must pair.`);
  return median(values.map((value, index) => value - floors[index]!));
}

/**
 * A row judging shoal's share of a figure, its median difference over a floor
 * measured in the same rounds, against `allowed`, with both absolute medians
 * beside it: "394.0 ms (minimal Ink app 310.0 ms, +84.0 ms; …)", "≤ floor + 120.0 ms".
 */
export function overFloorRow(options: {
  group: string;
  figure: string;
  paired: PairedFigures;
  allowed: number;
  /** How `allowed` came about, e.g. "1.27 × floor". */
  allowedAs?: string;
  format: (value: number) => string;
  /** What the floor is, e.g. "minimal Ink app". */
  floorName: string;
  /** Said after the figures, e.g. "greeting 557.8 ms". */
  detail?: string;
}): Row {
  const { paired, allowed, format } = options;
  const difference = medianDifference(paired);
  const sign = difference < 0 ? '−' : '+';
  const extra = options.detail ? `; ${options.detail}` : '';
  return {
    group: options.group,
    figure: options.figure,
    value: `${format(median(paired.values))} (${options.floorName} ${format(median(paired.floors))}, ${sign}${format(Math.abs(difference))}; median of ${paired.values.length} paired rounds${extra})`,
    target: `≤ floor + ${format(allowed)}${options.allowedAs ? ` (${options.allowedAs})` : ''}`,
    isMet: difference <= allowed,
  };
}

/**
 * Runs shoal's measurement and its floor's back to back, the floor first in
 * even rounds and second in odd ones, so that neither always starts in the
 * other's wake (a process's exit still frees memory as the next one starts).
 */
export async function pairedRound<Shoal, Floor>(round: number, shoal: () => Promise<Shoal>, floor: () => Promise<Floor>): Promise<{ shoal: Shoal; floor: Floor }> {
  if (round % 2 === 1) {
    const shoalResult = await shoal();
    return { shoal: shoalResult, floor: await floor() };
  }
  const floorResult = await floor();
  return { shoal: await shoal(), floor: floorResult };
}
