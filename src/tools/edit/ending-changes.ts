import { diffArrays, type StructuredPatch } from 'diff';
import { plural } from '../output-cap';

/** How a text breaks its lines: CRLF, LF, both, or not at all. */
type Breaks = 'crlf' | 'lf' | 'mixed' | 'none';

/**
 * How to diff an edit so that a line whose ending changes is not shown as
 * unchanged: `stripped` compares lines without their CRs (nothing flips, or
 * the whole file does, which one note says better than every line twice);
 * `raw` compares them with their CRs, so each line that flips is a -/+ pair.
 */
export type EndingMode = { type: 'stripped'; note?: string } | { type: 'raw' };

/** Picks the way to diff `before` → `after`, by the line breaks each side uses. */
export function endingMode(before: string, after: string): EndingMode {
  if (!before.includes('\r') && !after.includes('\r')) return { type: 'stripped' };
  const from = breaksOf(before);
  const to = breaksOf(after);
  if (from === to && from !== 'mixed') return { type: 'stripped' };
  if (from === 'none' || to === 'none') return { type: 'stripped' };
  if (from !== 'mixed' && to !== 'mixed') {
    return { type: 'stripped', note: `Line endings change: the whole file goes from ${name(from)} to ${name(to)} (${plural(breakCount(after), 'line')}).` };
  }
  return { type: 'raw' };
}

/**
 * For a patch made with CRs kept: the note naming the lines whose ending
 * flips (a removed and an added line alike but for the CR), or undefined when
 * none does; the hunk lines lose their trailing CRs, which the view would hide anyway.
 */
export function flippedEndingsNote(patch: StructuredPatch): string | undefined {
  const toCrlf: number[] = [];
  const toLf: number[] = [];
  for (const hunk of patch.hunks) {
    let newLine = hunk.newStart;
    let removed: { text: string; hasBreak: boolean }[] = [];
    let added: { text: string; hasBreak: boolean; line: number }[] = [];
    const settle = () => {
      collectFlips({ removed, added, flips: { toCrlf, toLf } });
      removed = [];
      added = [];
    };
    hunk.lines.forEach((line, index) => {
      const hasBreak = !hunk.lines[index + 1]?.startsWith('\\');
      if (line.startsWith('-')) removed.push({ text: line.slice(1), hasBreak });
      else if (line.startsWith('+')) added.push({ text: line.slice(1), hasBreak, line: newLine++ });
      else if (!line.startsWith('\\')) {
        settle();
        newLine++;
      }
    });
    settle();
    hunk.lines = hunk.lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }
  const parts = [
    ...(toCrlf.length > 0 ? [`${plural(toCrlf.length, 'line')} LF → CRLF (${lineList(toCrlf)})`] : []),
    ...(toLf.length > 0 ? [`${plural(toLf.length, 'line')} CRLF → LF (${lineList(toLf)})`] : []),
  ];
  return parts.length === 0 ? undefined : `Line endings change: ${parts.join('; ')}.`;
}

/** Pairs the removed and added lines of one change that are equal but for a trailing CR. */
function collectFlips(block: {
  removed: readonly { text: string; hasBreak: boolean }[];
  added: readonly { text: string; hasBreak: boolean; line: number }[];
  flips: { toCrlf: number[]; toLf: number[] };
}): void {
  const { removed, added, flips } = block;
  if (removed.length === 0 || added.length === 0) return;
  const strip = (text: string) => (text.endsWith('\r') ? text.slice(0, -1) : text);
  let removedIndex = 0;
  let addedIndex = 0;
  for (const change of diffArrays(removed.map((line) => strip(line.text)), added.map((line) => strip(line.text)))) {
    if (change.removed) removedIndex += change.count;
    else if (change.added) addedIndex += change.count;
    else {
      for (let offset = 0; offset < change.count; offset++) {
        const from = removed[removedIndex + offset]!;
        const to = added[addedIndex + offset]!;
        // A line that gains or loses the file's final newline is not a changed ending; the diff marks it.
        if (!from.hasBreak || !to.hasBreak) continue;
        const wasCrlf = from.text.endsWith('\r');
        if (wasCrlf !== to.text.endsWith('\r')) (wasCrlf ? flips.toLf : flips.toCrlf).push(to.line);
      }
      removedIndex += change.count;
      addedIndex += change.count;
    }
  }
}

/** "4, 5, 9" or "4, 5, 9, … (12 in all)" past ten. */
function lineList(lines: readonly number[]): string {
  const shown = lines.slice(0, 10).join(', ');
  return `${lines.length === 1 ? 'line' : 'lines'} ${lines.length > 10 ? `${shown}, …` : shown}`;
}

function breaksOf(text: string): Breaks {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  if (crlf === 0) return lf === 0 ? 'none' : 'lf';
  return lf === 0 ? 'crlf' : 'mixed';
}

function breakCount(text: string): number {
  return text.split('\n').length - 1;
}

function name(breaks: Breaks): string {
  return breaks === 'crlf' ? 'CRLF' : 'LF';
}
