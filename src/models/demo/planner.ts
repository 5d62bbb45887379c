import type { DemoContext } from './context';
import { extractKeywords, gatherFacts, keywordPattern, relevantFiles, type DemoFacts } from './facts';

/** One planned response: text to stream, then tool calls. */
export interface DemoResponse {
  text: string;
  calls: { toolName: string; input: Record<string, unknown> }[];
}

export const DEMO_NOTES_FILE = 'shoal-notes.md';

/**
 * Plans the demo model's next response from what the tools returned this turn,
 * never from canned answers: survey in one batch, then research and reads
 * together, then one write for approval, then a summary built from the results.
 */
export function planDemoResponse(context: DemoContext): DemoResponse {
  return context.isResearch ? planResearch(context) : planMain(context);
}

function planMain(context: DemoContext): DemoResponse {
  const keywords = extractKeywords(context.request);
  const called = new Set(context.results.map((result) => result.toolName));
  const facts = gatherFacts(context.results);
  if (!called.has('glob')) {
    return {
      text: `I'll survey the workspace first: list the root, find every file and search for ${describeKeywords(keywords)}, all in one parallel batch.`,
      calls: [
        { toolName: 'list_dir', input: { path: '.' } },
        { toolName: 'glob', input: { pattern: '**/*' } },
        { toolName: 'grep', input: { pattern: keywordPattern(keywords), ignoreCase: true, maxResults: 100 } },
      ],
    };
  }
  if (!called.has('research_codebase')) {
    const files = relevantFiles(facts, 3);
    const questions = researchQuestions(keywords, facts);
    return {
      text: `${counted(facts.fileCount, 'file')}, ${facts.hits.length} of them matching. I'll ask research agents ${NUMBER_WORDS[questions.length] ?? questions.length} questions at once and read the ${files.length === 1 ? 'most relevant file' : `${files.length} most relevant files`} meanwhile.`,
      calls: [
        ...questions.map((question) => ({ toolName: 'research_codebase', input: { question } })),
        ...files.map((path) => ({ toolName: 'read_file', input: { path, limit: 200 } })),
      ],
    };
  }
  if (!called.has('write_file')) {
    return {
      text: `I'll save what I found to \`${DEMO_NOTES_FILE}\`; you decide whether it is written.`,
      calls: [{ toolName: 'write_file', input: { path: DEMO_NOTES_FILE, content: notesFile(context.request, keywords, facts) } }],
    };
  }
  return { text: finalAnswer(keywords, facts), calls: [] };
}

function planResearch(context: DemoContext): DemoResponse {
  const keywords = extractKeywords(context.request);
  const called = new Set(context.results.map((result) => result.toolName));
  const facts = gatherFacts(context.results);
  if (!called.has('grep')) {
    return {
      text: `Searching for ${describeKeywords(keywords)}.`,
      calls: [
        { toolName: 'grep', input: { pattern: keywordPattern(keywords), ignoreCase: true, maxResults: 60 } },
        { toolName: 'glob', input: { pattern: '**/*.{ts,tsx,js,mjs,py,go,rs,java,rb,md,json,toml}' } },
        { toolName: 'list_dir', input: { path: '.' } },
      ],
    };
  }
  if (!called.has('read_file')) {
    const files = relevantFiles(facts, 2);
    if (files.length > 0) {
      return { text: `Reading ${files.map((file) => `\`${file}\``).join(' and ')}.`, calls: files.map((path) => ({ toolName: 'read_file', input: { path, limit: 80 } })) };
    }
  }
  return { text: researchReport(context.request, keywords, facts), calls: [] };
}

const NUMBER_WORDS: Record<number, string> = { 1: 'one', 2: 'two', 3: 'three' };

function researchQuestions(keywords: readonly string[], facts: DemoFacts): string[] {
  // Each question quotes what its researcher should search for.
  const questions = [
    keywords.length > 0 ? `Where is "${keywords[0]}" used, and what does the code around it do?` : 'Where are the "TODO" and "FIXME" notes, and what do they ask for?',
    'What are the entry points of this project? Look for "main", "bin" and "export default".',
  ];
  if (facts.files.some((file) => /(^|\/)(test|tests|__tests__|spec)\/|\.(test|spec)\.\w+$/.test(file))) {
    questions.push('How are the tests organised and run? Look for "describe(" and "test(".');
  }
  return questions;
}

function researchReport(request: string, keywords: readonly string[], facts: DemoFacts): string {
  const lines = [`**${request.trim()}**`];
  if (facts.hits.length > 0) {
    const top = facts.hits.slice(0, 4).map((hit) => `\`${hit.path}:${hit.firstLine}\` (${hit.count})`);
    lines.push(`${describeKeywords(keywords)} ${keywords.length === 1 ? 'appears' : 'appear'} in ${counted(facts.hits.length, 'file')}; most in ${top.join(', ')}.`);
  } else {
    lines.push(`No file mentions ${describeKeywords(keywords)}; ${counted(facts.fileCount, 'source file')} ${facts.fileCount === 1 ? 'was' : 'were'} searched.`);
  }
  for (const read of facts.reads) lines.push(`\`${read.path}\` (${counted(read.lines, 'line')})${read.excerpt ? `: ${read.excerpt.slice(0, 100)}` : ''}`);
  return lines.join('\n');
}

function finalAnswer(keywords: readonly string[], facts: DemoFacts): string {
  const lines = ['## What I found', ''];
  lines.push(`- The workspace holds **${facts.fileCount} files** (gitignored ones left out), ${facts.rootEntries.length} entries at its root.`);
  if (facts.hits.length > 0) {
    const top = facts.hits.slice(0, 5).map((hit) => `\`${hit.path}\` (${hit.count})`);
    lines.push(`- ${describeKeywords(keywords)} ${keywords.length === 1 ? 'occurs' : 'occur'} in **${counted(facts.hits.length, 'file')}**, most in ${top.join(', ')}.`);
  } else {
    lines.push(`- Nothing mentions ${describeKeywords(keywords)}.`);
  }
  if (facts.reads.length > 0) lines.push(`- I read ${facts.reads.map((read) => `\`${read.path}\` (${counted(read.lines, 'line')})`).join(', ')}.`);
  lines.push('', '### From the research agents', '');
  for (const entry of facts.research) {
    const finding = entry.report.split('\n').slice(1).find((line) => line.trim()) ?? entry.report.split('\n')[0] ?? '';
    lines.push(`- *${entry.question}* ${entry.status === 'ok' ? finding : `(${entry.status}: ${finding})`}`);
  }
  lines.push('', '### Notes file', '');
  const write = facts.write;
  if (write?.status === 'ok') lines.push(`Wrote \`${DEMO_NOTES_FILE}\` with these findings.`);
  else if (write?.status === 'denied') lines.push(`The write of \`${DEMO_NOTES_FILE}\` was denied, so nothing was written.`);
  else lines.push(`Could not write \`${DEMO_NOTES_FILE}\`: ${write?.output.split('\n')[0] ?? 'no result'}.`);
  lines.push('', '_This came from shoal\'s offline demo model, which plans from tool results. Set OPENAI_API_KEY or pass --base-url for a real model._');
  return lines.join('\n');
}

function notesFile(request: string, keywords: readonly string[], facts: DemoFacts): string {
  const lines = [`# Notes: ${request.trim()}`, '', `- ${counted(facts.fileCount, 'file')} in the workspace.`];
  for (const hit of facts.hits.slice(0, 10)) lines.push(`- \`${hit.path}:${hit.firstLine}\`: ${counted(hit.count, 'match', 'matches')} for ${describeKeywords(keywords)}`);
  for (const entry of facts.research) lines.push('', `## ${entry.question}`, '', entry.report);
  return `${lines.join('\n')}\n`;
}

function describeKeywords(keywords: readonly string[]): string {
  return keywords.length === 0 ? 'TODO and FIXME notes' : keywords.map((word) => `"${word}"`).join(', ');
}

/** "1 file", "3 files": a count with its noun (models import nothing, so not the tools' `plural`). */
function counted(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
