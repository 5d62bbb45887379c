import type { DemoToolResult } from './context';

const STOPWORDS = new Set(
  'a an and are as at be but by can could do does explain find for from how i in into is it its me my of on or our please show tell that the their them then there these this to up us was we what when where which who why will with would you your about all any code codebase file files project repo repository some work works made make use used uses using'.split(
    ' ',
  ),
);

/**
 * Up to three terms of the request worth searching for: its quoted terms when
 * it has any, else its most specific words, stemmed ("invoices" finds
 * "createInvoice").
 */
export function extractKeywords(request: string): string[] {
  const quoted = [...request.matchAll(/"([^"]{2,40})"/g)].map((match) => match[1]!.toLowerCase());
  if (quoted.length > 0) return [...new Set(quoted)].slice(0, 3);
  const words = request.toLowerCase().match(/[a-z_][a-z0-9_-]{2,}/g) ?? [];
  const unique = [...new Set(words.filter((word) => !STOPWORDS.has(word)).map(stem))];
  return unique.sort((a, b) => b.length - a.length || a.localeCompare(b)).slice(0, 3);
}

function stem(word: string): string {
  const stemmed = word.replace(/ies$/, 'y').replace(/([^s])s$/, '$1').replace(/(ed|ing)$/, '');
  return stemmed.length >= 4 ? stemmed : word;
}

/** A regex source matching any of the keywords literally. */
export function keywordPattern(keywords: readonly string[]): string {
  return keywords.length === 0 ? 'TODO|FIXME' : keywords.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** What the survey and reads of this turn established. */
export interface DemoFacts {
  /** Paths glob returned, sorted by name (at most its 1000 newest). */
  files: string[];
  /** How many files glob found, shown or not. */
  fileCount: number;
  /** Entries of the workspace root from list_dir. */
  rootEntries: string[];
  /** Files grep matched, most matches first. */
  hits: { path: string; count: number; firstLine: number }[];
  /** Files read, with their line count. */
  reads: { path: string; lines: number; excerpt: string }[];
  research: { question: string; report: string; status: DemoToolResult['status'] }[];
  write?: DemoToolResult;
}

/** Gathers the facts from this turn's tool results, parsing each tool's output format. */
export function gatherFacts(results: readonly DemoToolResult[]): DemoFacts {
  const facts: DemoFacts = { files: [], fileCount: 0, rootEntries: [], hits: [], reads: [], research: [] };
  const hitCounts = new Map<string, { count: number; firstLine: number }>();
  for (const result of results) {
    const ok = result.status === 'ok';
    switch (result.toolName) {
      case 'glob':
        // Sorted by name, not by glob's newest-first order, so the same tree gives the same plan.
        if (!ok) break;
        facts.files.push(...outputLines(result.output).sort());
        // A capped list ends "[Showing the 1000 most recently modified of 20000 files. …]".
        facts.fileCount += Number(/ of (\d+) files\./.exec(result.output)?.[1] ?? outputLines(result.output).length);
        break;
      case 'list_dir':
        if (ok && (result.input.path ?? '.') === '.') facts.rootEntries.push(...outputLines(result.output));
        break;
      case 'grep':
        if (!ok) break;
        for (const line of result.output.split('\n')) {
          const match = /^(.+?):(\d+):/.exec(line);
          if (!match) continue;
          const entry = hitCounts.get(match[1]!) ?? { count: 0, firstLine: Number(match[2]) };
          entry.count += 1;
          hitCounts.set(match[1]!, entry);
        }
        break;
      case 'read_file':
        if (ok) facts.reads.push({ path: String(result.input.path), ...readSummary(result.output) });
        break;
      case 'research_codebase':
        facts.research.push({ question: String(result.input.question ?? ''), report: result.output, status: result.status });
        break;
      case 'write_file':
        facts.write = result;
        break;
    }
  }
  facts.hits = [...hitCounts].map(([path, entry]) => ({ path, ...entry })).sort((a, b) => b.count - a.count || a.path.localeCompare(b.path));
  return facts;
}

/** The files most worth reading: grep's best hits, else the usual entry points. */
export function relevantFiles(facts: DemoFacts, count: number): string[] {
  const picked = facts.hits.map((hit) => hit.path).filter(isTextLike);
  if (picked.length < count) {
    const usual = /^(readme(\.\w+)?|package\.json|pyproject\.toml|cargo\.toml|go\.mod|src\/(index|main|app|cli)\.\w+|main\.\w+)$/i;
    picked.push(...facts.files.filter((file) => usual.test(file) && !picked.includes(file)));
  }
  if (picked.length < count) picked.push(...facts.files.filter((file) => isTextLike(file) && !picked.includes(file)));
  return picked.slice(0, count);
}

function isTextLike(path: string): boolean {
  return !/\.(png|jpe?g|gif|ico|pdf|zip|gz|lock|woff2?|ttf|exe|bin|so|dylib)$/i.test(path) && !path.endsWith('package-lock.json');
}

function outputLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('[') && !line.startsWith('(') && !/^No (files|matches)/.test(line));
}

function readSummary(output: string): { lines: number; excerpt: string } {
  const numbered = output.split('\n').filter((line) => /^\s*\d+\t/.test(line));
  const total = /of (\d+)\./.exec(output)?.[1];
  const excerpt = numbered
    .map((line) => line.replace(/^\s*\d+\t/, '').trim())
    .find((line) => line.length > 3 && !/^(import|\/\/|#!|\{|\}|<!--|---)/.test(line));
  return { lines: total ? Number(total) : numbered.length, excerpt: excerpt ?? '' };
}
