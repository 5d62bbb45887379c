/**
 * Parses Codex's patch format (`*** Begin Patch` ... `*** End Patch`) into
 * file operations, without touching the disk. Learned from Codex's
 * `codex-rs/apply-patch/src/parser.rs`; written anew, with one-line errors
 * that name the patch line.
 */

/** One line of an update hunk: kept in the file, removed from it, or added to it. */
export interface HunkLine {
  kind: 'context' | 'remove' | 'add';
  text: string;
}

/** One `@@` hunk of an `*** Update File` section. */
export interface UpdateHunk {
  /** The texts of its `@@ text` headers, outermost first: each is found after the one before, and the hunk after the last. */
  anchors: string[];
  lines: HunkLine[];
  /** Set by `*** End of File`: the hunk's old lines must be the file's last lines. */
  isEndOfFile: boolean;
  /** 1-based line of the patch where the hunk starts, for messages. */
  patchLine: number;
}

/** One file section of a patch. */
export type PatchOperation =
  | { type: 'add'; path: string; contents: string; patchLine: number }
  | { type: 'delete'; path: string; patchLine: number }
  | { type: 'update'; path: string; moveTo?: string; hunks: UpdateHunk[]; patchLine: number };

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const END_OF_FILE = '*** End of File';
const SECTION = /^\*\*\* (Add File|Delete File|Update File):\s*(.*)$/;
const MOVE_TO = /^\*\*\* Move to:\s*(.*)$/;
/** `<<EOF`, `<<'EOF'`, `<<"EOF"` (also after `apply_patch `): the shell heredoc some models wrap a patch in. */
const HEREDOC_START = /^(?:apply_?patch\s+)?<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1$/;

/** Thrown for a patch that does not follow the format; the message is one line naming the patch line. */
export class PatchSyntaxError extends Error {
  override name = 'PatchSyntaxError';
}

/** A line of the patch and its 1-based number in the text as sent. */
interface NumberedLine {
  text: string;
  number: number;
}

/**
 * The operations of a patch, in order. Markers may carry surrounding
 * whitespace, and a patch wrapped in a shell heredoc (`<<'EOF'` ... `EOF`) is
 * unwrapped, as Codex's lenient mode does. Throws `PatchSyntaxError`.
 */
export function parsePatch(patch: string): PatchOperation[] {
  const lines = unwrapHeredoc(numberLines(patch));
  const first = lines[0];
  if (first?.text.trim() !== BEGIN) {
    const seen = first === undefined ? 'the patch is empty' : `line ${first.number} is '${clip(first.text)}'`;
    throw new PatchSyntaxError(`Invalid patch: it must start with '${BEGIN}', but ${seen}.`);
  }
  const last = lines.at(-1)!;
  if (lines.length < 2 || last.text.trim() !== END) {
    throw new PatchSyntaxError(`Invalid patch: its last line must be '${END}' (line ${last.number} is '${clip(last.text)}'); send the whole patch.`);
  }
  const operations = parseSections(lines.slice(1, -1));
  if (operations.length === 0) {
    throw new PatchSyntaxError(
      "Invalid patch: it has no '*** Add File:', '*** Delete File:' or '*** Update File:' section, so nothing would change.",
    );
  }
  return operations;
}

function numberLines(patch: string): NumberedLine[] {
  // Leading and trailing blank lines are no part of the patch; numbers still count from the text's first line.
  const all = patch.split(/\r?\n/).map((text, index) => ({ text, number: index + 1 }));
  let start = 0;
  let end = all.length;
  while (start < end && all[start]!.text.trim() === '') start++;
  while (end > start && all[end - 1]!.text.trim() === '') end--;
  return all.slice(start, end);
}

function unwrapHeredoc(lines: NumberedLine[]): NumberedLine[] {
  const opener = HEREDOC_START.exec(lines[0]?.text.trim() ?? '');
  if (!opener || lines.length < 4 || lines.at(-1)!.text.trim() !== opener[2]) return lines;
  return lines.slice(1, -1);
}

function parseSections(lines: NumberedLine[]): PatchOperation[] {
  const operations: PatchOperation[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.text.trim() === '') {
      index++;
      continue;
    }
    const header = SECTION.exec(line.text.trim());
    if (!header) {
      throw new PatchSyntaxError(
        `Invalid patch, line ${line.number}: '${clip(line.text)}' is not a section header; ` +
          "each section starts with '*** Add File: <path>', '*** Delete File: <path>' or '*** Update File: <path>'.",
      );
    }
    const path = header[2]!.trim();
    if (path === '') throw new PatchSyntaxError(`Invalid patch, line ${line.number}: '*** ${header[1]}:' names no path.`);
    const parsed =
      header[1] === 'Add File' ? parseAdd(lines, index + 1, path, line.number)
      : header[1] === 'Delete File' ? { operation: { type: 'delete' as const, path, patchLine: line.number }, next: index + 1 }
      : parseUpdate(lines, index + 1, path, line.number);
    operations.push(parsed.operation);
    index = parsed.next;
  }
  return operations;
}

/** An `*** Add File` section: every line starts with `+`; an empty line between `+` lines is an empty line of the file. */
function parseAdd(lines: NumberedLine[], start: number, path: string, patchLine: number): { operation: PatchOperation; next: number } {
  const contents: string[] = [];
  let index = start;
  while (index < lines.length) {
    const text = lines[index]!.text;
    if (text.startsWith('+')) {
      contents.push(text.slice(1));
      index++;
    } else if (text === '' && lines.slice(index + 1).find((line) => line.text !== '')?.text.startsWith('+')) {
      contents.push('');
      index++;
    } else {
      break;
    }
  }
  return { operation: { type: 'add', path, contents: contents.map((line) => `${line}\n`).join(''), patchLine }, next: index };
}

/** An `*** Update File` section: an optional `*** Move to:`, then hunks until the next `***` header. */
function parseUpdate(lines: NumberedLine[], start: number, path: string, patchLine: number): { operation: PatchOperation; next: number } {
  let index = start;
  const move = MOVE_TO.exec(lines[index]?.text.trim() ?? '');
  let moveTo: string | undefined;
  if (move) {
    moveTo = move[1]!.trim();
    if (moveTo === '') throw new PatchSyntaxError(`Invalid patch, line ${lines[index]!.number}: '*** Move to:' names no path.`);
    index++;
  }
  const hunks: UpdateHunk[] = [];
  let current: UpdateHunk | undefined;
  let anchors: { texts: string[]; number: number } | undefined;
  for (; index < lines.length; index++) {
    const { text, number } = lines[index]!;
    const trimmed = text.trim();
    if (trimmed === END_OF_FILE) {
      if (!current || current.lines.length === 0 || anchors) {
        throw new PatchSyntaxError(`Invalid patch, line ${number}: '${END_OF_FILE}' ends a hunk, but no hunk lines come before it.`);
      }
      current.isEndOfFile = true;
      current = undefined;
      continue;
    }
    // A padded header still ends the section; a context line holding `*** ` text starts with a space.
    if (text.startsWith('*') || SECTION.test(trimmed)) break;
    if (text.startsWith('@@')) {
      // Consecutive `@@` headers stack: each narrows where the next is looked for.
      anchors ??= { texts: [], number };
      const anchor = anchorOf(text);
      if (anchor !== undefined) anchors.texts.push(anchor);
      current = undefined;
      continue;
    }
    const kind = text === '' || text.startsWith(' ') ? 'context' : text.startsWith('-') ? 'remove' : text.startsWith('+') ? 'add' : undefined;
    if (kind === undefined) {
      throw new PatchSyntaxError(
        `Invalid patch, line ${number}: '${clip(text)}' in the update of ${path} starts with none of ' ' (context), '-' (remove), '+' (add) or '@@'.`,
      );
    }
    if (!current) {
      if (hunks.length > 0 && !anchors) {
        throw new PatchSyntaxError(`Invalid patch, line ${number}: a hunk after '${END_OF_FILE}' must start with '@@'.`);
      }
      current = { anchors: anchors?.texts ?? [], lines: [], isEndOfFile: false, patchLine: anchors?.number ?? number };
      hunks.push(current);
      anchors = undefined;
    }
    current.lines.push({ kind, text: text.slice(1) });
  }
  if (anchors) {
    throw new PatchSyntaxError(`Invalid patch, line ${anchors.number}: the '@@' hunk in the update of ${path} has no lines.`);
  }
  if (hunks.length === 0 && moveTo === undefined) {
    throw new PatchSyntaxError(`Invalid patch, line ${patchLine}: '*** Update File: ${path}' has no hunks, so nothing would change.`);
  }
  return { operation: { type: 'update', path, ...(moveTo === undefined ? {} : { moveTo }), hunks, patchLine }, next: index };
}

/**
 * The text of an `@@` header, or undefined for a bare `@@`. A unified diff's
 * `@@ -12,4 +12,5 @@ heading` is read as its heading alone: line numbers are never trusted.
 */
function anchorOf(header: string): string | undefined {
  const unified = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/.exec(header.trimEnd());
  const text = unified ? unified[1]! : header.slice(2).replace(/^ /, '');
  return text.trim() === '' ? undefined : text;
}

/** A patch line for a message: one line, at most 80 characters. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
