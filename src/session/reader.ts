import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ModelMessage } from 'ai';
import { parseEntry, type SessionEntry, type SessionHeader, type SubagentRecord } from './entries';
import { sessionFilePath, sessionIdOfFile, unknownSessionError } from './paths';
import { repairToolPairing } from './repair';
import { oneLine } from '../agent/text';
import { userContent } from '../agent/user-content';
import { readRegularFileSync } from '../workspace/own-file';

/** One saved session as `/sessions` lists it. */
export interface SessionSummary {
  id: string;
  path: string;
  cwd: string;
  model: string;
  /** ISO 8601, like every time in a session file. */
  createdAt: string;
  /** The time of the session's last readable entry. */
  updatedAt: string;
  /** The first prompt on one line, cut to `FIRST_PROMPT_LENGTH` characters. */
  firstPrompt: string;
  /** Prompts sent, each one turn. */
  turns: number;
}

/** A session read back for resuming. */
export interface LoadedSession {
  summary: SessionSummary;
  /** The conversation, repaired so that the API accepts it. */
  messages: ModelMessage[];
  /** Every line skipped and every repair made, as "path:line: what" where a line is to blame. */
  problems: string[];
  /** What the research sub-agents did, by the main agent's `research_codebase` call id. */
  subagents: SubagentRecord[];
}

/** How much of the first prompt a summary keeps. */
export const FIRST_PROMPT_LENGTH = 80;

/**
 * The saved sessions in `dir`, most recently updated first, only those of
 * workspace `cwd` when given. Sessions without a prompt are left out: there is
 * nothing in them to resume. Files that are not readable sessions are skipped.
 */
export function listSessions(options: { dir: string; cwd?: string }): SessionSummary[] {
  let names: string[];
  try {
    names = readdirSync(options.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const cwd = options.cwd === undefined ? undefined : path.resolve(options.cwd);
  const summaries: SessionSummary[] = [];
  for (const name of names) {
    if (!sessionIdOfFile(name)) continue;
    const file = path.join(options.dir, name);
    // The header (first line) names the workspace: another workspace's session is not read further.
    if (cwd !== undefined && headerCwd(file) !== cwd) continue;
    let summary: SessionSummary;
    try {
      summary = readSession(file, { withMessages: false }).summary;
    } catch {
      continue;
    }
    if (summary.turns === 0 || (cwd !== undefined && path.resolve(summary.cwd) !== cwd)) continue;
    summaries.push(summary);
  }
  return summaries.sort((a, b) => compare(b.updatedAt, a.updatedAt) || compare(b.id, a.id));
}

/** The most recently updated session of workspace `cwd` (what `--resume` without an id picks), if any. */
export function latestSession(options: { dir: string; cwd: string }): SessionSummary | undefined {
  return listSessions(options)[0];
}

/**
 * Reads session `id` back: its summary, its conversation repaired to be valid
 * for the API, and every problem met. Never modifies the file. Throws a
 * "run /sessions" error for an unknown id, and an error naming the file when
 * its first line is not a session header this shoal understands.
 */
export function loadSession(options: { dir: string; id: string }): LoadedSession {
  const file = sessionFilePath(options.dir, options.id);
  if (!file || !existsSync(file)) throw unknownSessionError(options.id, options.dir);
  const read = readSession(file, { withMessages: true });
  const repair = repairToolPairing(read.messages);
  return {
    summary: read.summary,
    messages: repair.messages,
    problems: [...read.problems, ...repair.problems.map((problem) => `${file}: ${problem}`)],
    subagents: read.subagents,
  };
}

interface ReadResult {
  summary: SessionSummary;
  messages: ModelMessage[];
  problems: string[];
  subagents: SubagentRecord[];
}

// Listing reads every session; a step's messages (tool output included) are
// most of a file, so their lines are only looked at for their `time`, which
// the writer puts last.
const MESSAGES_LINE = /^\{"type":"messages",.*"time":"([^"]+)"\}$/;

/** A header line is short; more than this and it is not one. */
const MAX_HEADER_BYTES = 64 * 1024;

/** The workspace a session file's header names, resolved; undefined when the header cannot be read. */
function headerCwd(file: string): string | undefined {
  const read = readRegularFileSync(file, { maxBytes: MAX_HEADER_BYTES });
  if (read.status !== 'read') return undefined;
  const firstLine = read.text.slice(0, read.text.indexOf('\n') >>> 0);
  try {
    const header = JSON.parse(firstLine) as { type?: unknown; cwd?: unknown };
    return header.type === 'session' && typeof header.cwd === 'string' ? path.resolve(header.cwd) : undefined;
  } catch {
    return undefined;
  }
}

/** A session file larger than this is not read (a string of it, split in lines, would not fit in memory). */
export const MAX_SESSION_BYTES = 128 * 1024 * 1024;

function readSession(file: string, options: { withMessages: boolean }): ReadResult {
  // Only a regular file, opened without blocking: a FIFO named like a session must not hang the listing.
  const read = readRegularFileSync(file, { maxBytes: MAX_SESSION_BYTES });
  if (read.status === 'missing') throw new Error(`${file}: no such file; the session cannot be read.`);
  if (read.status === 'refused') throw new Error(`${file}: ${read.reason}; the session cannot be read.`);
  if (read.isCut) throw new Error(`${file} is over ${MAX_SESSION_BYTES / 1024 / 1024} MiB, too large to resume; start a new session.`);
  const text = read.text;
  const lines = text.split('\n');
  // A file that does not end in a newline was cut mid-write: its last line is partial.
  const isLastLineCut = lines.at(-1) !== '';
  if (!isLastLineCut) lines.pop();

  const problems: string[] = [];
  const entries: SessionEntry[] = [];
  let header: SessionHeader | undefined;
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    if (index > 0 && line.trim() === '') return;
    const skimmed = options.withMessages ? null : MESSAGES_LINE.exec(line);
    if (skimmed) {
      entries.push({ type: 'messages', messages: [], time: skimmed[1]! });
      return;
    }
    const parsed = parseLine(line);
    if (index === 0) {
      if (!parsed.isValid || parsed.entry.type !== 'session') {
        throw new Error(`${where}: not a shoal session header (${parsed.isValid ? parsed.entry.type : parsed.reason}); the session cannot be read.`);
      }
      header = parsed.entry;
    } else if (!parsed.isValid) {
      const isCut = isLastLineCut && index === lines.length - 1;
      problems.push(isCut ? `${where}: last line cut off mid-write (shoal was stopped while saving); ignored` : `${where}: corrupt line skipped: ${parsed.reason}`);
    } else if (parsed.entry.type === 'session') {
      problems.push(`${where}: a second session header; skipped`);
    } else {
      entries.push(parsed.entry);
    }
  });
  if (!header) throw new Error(`${file}: empty session file; the session cannot be read.`);

  const messages: ModelMessage[] = [];
  const prompts: string[] = [];
  const subagents: SubagentRecord[] = [];
  for (const entry of entries) {
    if (entry.type === 'subagent') {
      const { type: _type, time: _time, ...record } = entry;
      subagents.push(record);
    }
    if (entry.type === 'prompt') {
      prompts.push(entry.text);
      messages.push({ role: 'user', content: userContent(entry.text, entry.images) });
    } else if (entry.type === 'messages') {
      messages.push(...entry.messages);
    } else if (entry.type === 'compaction' || entry.type === 'rewind') {
      // The compacted (or rewound) history stands for everything before it.
      messages.splice(0, messages.length, ...entry.messages);
      if (entry.type === 'rewind') prompts.splice(entry.messages.filter((message) => message.role === 'user').length);
    }
  }
  const summary: SessionSummary = {
    // The file name is the id that resuming opens, whatever the header says.
    id: sessionIdOfFile(path.basename(file)) ?? header.id,
    path: file,
    cwd: header.cwd,
    model: header.model,
    createdAt: header.createdAt,
    updatedAt: entries.at(-1)?.time ?? header.time,
    firstPrompt: oneLine(prompts[0] ?? '', FIRST_PROMPT_LENGTH),
    turns: prompts.length,
  };
  return { summary, messages, problems, subagents };
}

function parseLine(line: string): ReturnType<typeof parseEntry> {
  try {
    return parseEntry(JSON.parse(line));
  } catch {
    return { isValid: false, reason: 'not valid JSON' };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
