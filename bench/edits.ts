import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createUpdateFileTool } from '../src/tools/update-file';
import type { ToolExecuteContext } from '../src/tools/types';
import { EDIT_CASES, type EditCase } from './edit-corpus';
import { formatMs, median, withTempDir } from './measure';
import type { Row } from './table';

const context: ToolExecuteContext = { signal: new AbortController().signal, toolCallId: 'bench', batchId: 'bench:1', emit: () => {} };

/** What one call did: landed as the case means, refused, or changed the file some other way. */
type Verdict = 'landed' | 'refused' | 'wrong';

interface CaseResult {
  edit: EditCase;
  verdict: Verdict;
  /** For a slip that landed: whether the result named the tolerance it needed. */
  isNamed: boolean;
  ms: number;
}

/**
 * Runs one case through the real update_file tool in its own temp directory:
 * a slip must leave exactly `expected`, a trap must be refused and leave the file as it was.
 */
async function runCase(edit: EditCase): Promise<CaseResult> {
  return withTempDir('edits', async (cwd) => {
    const file = path.join(cwd, edit.file);
    await writeFile(file, edit.contents);
    const started = performance.now();
    const result = await createUpdateFileTool({ cwd })
      .execute({ path: edit.file, old_string: edit.oldString, new_string: edit.newString }, context)
      .catch(() => undefined);
    const ms = performance.now() - started;
    const after = await readFile(file, 'utf8');
    if (result === undefined) return { edit, verdict: after === edit.contents ? 'refused' : 'wrong', isNamed: false, ms };
    const isMeant = edit.kind === 'slip' && after === edit.expected;
    return { edit, verdict: isMeant ? 'landed' : 'wrong', isNamed: result.summary.includes('matched ignoring'), ms };
  });
}

/**
 * Tolerant edits: a corpus of realistic slips (each tolerance, in TypeScript,
 * Python, Go with tabs, Markdown with typographic quotes, a CRLF C# file) and
 * traps (a snippet fitting two places, text merely similar, an
 * indentation-stripped form fitting two places), counted by outcome.
 */
export async function measureEdits(): Promise<Row[]> {
  const results: CaseResult[] = [];
  for (const edit of EDIT_CASES) results.push(await runCase(edit));
  const slips = results.filter((result) => result.edit.kind === 'slip');
  const traps = results.filter((result) => result.edit.kind === 'trap');
  const count = (of: readonly CaseResult[], verdict: Verdict) => of.filter((result) => result.verdict === verdict).length;
  const names = (of: readonly CaseResult[]) => of.map((result) => result.edit.name).join('; ');
  const missed = slips.filter((result) => result.verdict !== 'landed');
  const unnamed = slips.filter((result) => result.verdict === 'landed' && !result.isNamed);
  const wrong = results.filter((result) => result.verdict === 'wrong');
  const leaked = traps.filter((result) => result.verdict !== 'refused');
  return [
    {
      group: 'edits',
      figure: 'tolerant edits: corpus (update_file, temp dirs)',
      value: `${slips.length} slips, ${traps.length} traps; TypeScript, Python, Go (tabs), Markdown (typographic), C# (CRLF)`,
      target: '(setup)',
    },
    {
      group: 'edits',
      figure: 'tolerant edits: slips landed as meant',
      value:
        `${count(slips, 'landed')} of ${slips.length}, the tolerance named in ${slips.length - missed.length - unnamed.length}` +
        (missed.length > 0 ? ` (missed: ${names(missed)})` : '') +
        (unnamed.length > 0 ? ` (not named: ${names(unnamed)})` : ''),
      target: 'every slip lands, naming its tolerance',
      isMet: missed.length === 0 && unnamed.length === 0,
    },
    {
      group: 'edits',
      figure: 'tolerant edits: landed wrong (slips and traps)',
      value: `${wrong.length}${wrong.length > 0 ? ` (${names(wrong)})` : ''}`,
      target: '0',
      isMet: wrong.length === 0,
    },
    {
      group: 'edits',
      figure: 'tolerant edits: traps refused',
      value: `${count(traps, 'refused')} of ${traps.length}${leaked.length > 0 ? ` (landed: ${names(leaked)})` : ''}`,
      target: 'every trap refused',
      isMet: leaked.length === 0,
    },
    {
      group: 'edits',
      figure: 'tolerant edits: time per call',
      value: `${formatMs(median(results.map((result) => result.ms)))} median, ${formatMs(Math.max(...results.map((result) => result.ms)))} slowest`,
      target: '(report)',
    },
  ];
}
