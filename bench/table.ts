/** One line of the results table: a figure, what it came to, its target, and whether it met it. */
export interface Row {
  /** Which measurement the row belongs to, e.g. "batch". */
  group: string;
  figure: string;
  value: string;
  /** The target as written in the issue, or "(report)" for a figure without one. */
  target: string;
  /** `undefined` for figures that are only reported; a skipped comparison says why in `value`. */
  isMet?: boolean;
}

/** What a row says in its last column. */
export function verdict(row: Row): string {
  if (row.isMet === undefined) return '—';
  return row.isMet ? 'met' : 'not met';
}

/** The rows as a plain-text table for the terminal, with columns padded to fit. */
export function formatText(rows: readonly Row[]): string {
  const header = ['figure', 'value', 'target', ''];
  const cells = rows.map((row) => [row.figure, row.value, row.target, verdict(row)]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: readonly string[]) => values.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const body: string[] = [];
  let group: string | undefined;
  rows.forEach((row, index) => {
    if (group !== undefined && row.group !== group) body.push('');
    group = row.group;
    body.push(line(cells[index]!));
  });
  return [line(header), rule, ...body].join('\n');
}

/** The rows as a markdown table, for bench/last-results.md and the README. */
export function formatMarkdown(rows: readonly Row[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| figure | value | target | |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${[row.figure, row.value, row.target, verdict(row)].map(escape).join(' | ')} |`),
  ].join('\n');
}
