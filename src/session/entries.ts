import { modelMessageSchema, type ModelMessage } from 'ai';
import type { ApprovalDecision, RunEndReason } from '../agent/nodes';
import type { PromptImage } from '../agent/user-content';

/** The format version written in every session header; a reader refuses newer ones. */
export const SESSION_FORMAT_VERSION = 1;

/** The first line of every session file. `createdAt` and every `time` are ISO 8601 strings. */
export interface SessionHeader {
  type: 'session';
  version: number;
  id: string;
  /** The workspace the session ran in (absolute). */
  cwd: string;
  model: string;
  createdAt: string;
  time: string;
}

/**
 * What a caller appends during a session; the writer adds `time`.
 * A `prompt` stands for the user message `{ role: 'user', content: text }`, exactly
 * what the UI adds to its history (with its attached images after the text,
 * base64, each within the 5 MB cap, so `--continue` sends them again); `messages` carries one `history-append` of
 * the main agent (a step's assistant message and the tool message answering it).
 */
export type SessionEvent =
  | { type: 'prompt'; text: string; images?: PromptImage[] }
  | { type: 'messages'; messages: ModelMessage[] }
  /** The main agent's whole history after a compaction: it replaces every message before it on resume. */
  | { type: 'compaction'; messages: ModelMessage[] }
  /** The main agent's history after /rewind cut it to before a prompt: like a compaction, it replaces every message before it. */
  | { type: 'rewind'; messages: ModelMessage[] }
  | { type: 'approval'; toolCallId: string; toolName: string; decision: ApprovalDecision }
  | { type: 'turn-end'; reason: RunEndReason }
  | ({ type: 'subagent' } & SubagentRecord);

/** One call of a research sub-agent, as a session keeps it: what it did, never its output. */
export interface SubagentCall {
  toolName: string;
  description: string;
  status: string;
  summary: string;
}

/**
 * What a research sub-agent did for one `research_codebase` call of the main
 * agent: its question, its calls and its report (capped), so a resumed session can retell it.
 */
export interface SubagentRecord {
  toolCallId: string;
  question: string;
  calls: SubagentCall[];
  report: string;
  reason: RunEndReason;
}

/** One line of a session file. */
export type SessionEntry = SessionHeader | (SessionEvent & { time: string });

/** A line's JSON checked against the format, or why it does not fit. */
export type ParsedEntry = { isValid: true; entry: SessionEntry } | { isValid: false; reason: string };

/** Checks one parsed JSON line. Messages must pass the AI SDK's own `modelMessageSchema`, so a loaded history never fails at the API. */
export function parseEntry(value: unknown): ParsedEntry {
  if (!isRecord(value) || typeof value.type !== 'string') return invalid('not a session entry (no "type")');
  if (typeof value.time !== 'string') return invalid(`"${value.type}" entry without a "time"`);
  switch (value.type) {
    case 'session':
      if (typeof value.version !== 'number') return invalid('session header without a version');
      if (value.version > SESSION_FORMAT_VERSION) {
        return invalid(`session format version ${value.version} is newer than this shoal understands (${SESSION_FORMAT_VERSION})`);
      }
      return hasStrings(value, ['id', 'cwd', 'model', 'createdAt']) ? valid(value) : invalid('session header missing id, cwd, model or createdAt');
    case 'prompt':
      if (!hasStrings(value, ['text'])) return invalid('prompt without text');
      return value.images === undefined || (Array.isArray(value.images) && value.images.every((image) => isRecord(image) && hasStrings(image, ['path', 'mediaType', 'data'])))
        ? valid(value)
        : invalid('prompt with malformed images');
    case 'messages':
    case 'compaction':
    case 'rewind': {
      if (!Array.isArray(value.messages)) return invalid(`"${value.type}" entry without a messages array`);
      const bad = value.messages.findIndex((message) => !modelMessageSchema.safeParse(message).success);
      return bad === -1 ? valid(value) : invalid(`message ${bad + 1} of ${value.messages.length} is not a valid model message`);
    }
    case 'approval':
      return hasStrings(value, ['toolCallId', 'toolName']) && isRecord(value.decision) && typeof value.decision.type === 'string'
        ? valid(value)
        : invalid('approval without toolCallId, toolName or decision');
    case 'turn-end':
      return hasStrings(value, ['reason']) ? valid(value) : invalid('turn-end without a reason');
    case 'subagent':
      return hasStrings(value, ['toolCallId', 'question', 'report', 'reason']) &&
        Array.isArray(value.calls) &&
        value.calls.every((call) => isRecord(call) && hasStrings(call, ['toolName', 'description', 'status', 'summary']))
        ? valid(value)
        : invalid('subagent without toolCallId, question, report, reason or well-formed calls');
    default:
      return invalid(`unknown entry type "${value.type}"`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasStrings(value: Record<string, unknown>, keys: string[]): boolean {
  return keys.every((key) => typeof value[key] === 'string');
}

// The checks above are what make this cast honest.
function valid(value: Record<string, unknown>): ParsedEntry {
  return { isValid: true, entry: value as unknown as SessionEntry };
}

function invalid(reason: string): ParsedEntry {
  return { isValid: false, reason };
}
