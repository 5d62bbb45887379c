import { diffArrays } from 'diff';

/**
 * The lines of new_string to write, where every line the edit leaves as it was
 * (the same in old_string and new_string, aligned by a line diff) is the file's
 * own matched line rather than the model's copy of it: a match that allowed for
 * whitespace or punctuation must not rewrite lines the model did not mean to change.
 * `render` makes each changed line (re-indents it, say).
 */
export function keepUnchangedLines(lines: {
  matched: readonly string[];
  oldLines: readonly string[];
  newLines: readonly string[];
  /** Gets each changed line and its 0-based index in `newLines`. */
  render: (line: string, index: number) => string;
}): string[] {
  const { matched, oldLines, newLines, render } = lines;
  const kept: string[] = [];
  let oldIndex = 0;
  let newIndex = 0;
  for (const change of diffArrays([...oldLines], [...newLines])) {
    if (change.added) {
      for (const line of change.value) kept.push(render(line, newIndex++));
    } else if (change.removed) {
      oldIndex += change.value.length;
    } else {
      for (let offset = 0; offset < change.value.length; offset++) kept.push(matched[oldIndex + offset]!);
      oldIndex += change.value.length;
      newIndex += change.value.length;
    }
  }
  return kept;
}
