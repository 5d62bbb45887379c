import type { ModelMessage } from 'ai';
import type { AgentNode } from '../agent/nodes';
import type { PromptImage } from '../agent/user-content';
import { releaseSessionLock } from './lock';
import { newSessionId, sessionLockPath } from './paths';
import type { SubagentRecord } from './entries';
import { createSessionWriter, openSessionWriter, type SessionWriter } from './sessions';
import { createSubagentLog } from './subagent-log';

/** Saves a conversation as it happens: what the UI or headless runner feeds it, in order. */
export interface SessionRecorder {
  /** The session's id: the resumed one's, or a new one's from the start (its file is made at its first prompt). */
  readonly id: string | undefined;
  /** Saves a prompt the user sent, with the images attached to it. */
  recordPrompt: (text: string, images?: readonly PromptImage[]) => void;
  /** Takes every node of a run; keeps the main agent's history, approvals and turn ends, and a record of each sub-agent. */
  recordNode: (node: AgentNode) => void;
  /** Saves the history /rewind cut the conversation to: a resumed session starts from it. */
  recordRewind: (messages: ModelMessage[]) => void;
  /** Starts a new session file at the next prompt (after /clear). */
  startNew: () => void;
}

/**
 * A recorder writing to `dir`: a new session file on the first prompt, or the
 * resumed session's file. Contract: never throws; a failed write goes to
 * `onError` once per problem and the conversation goes on.
 */
export function createSessionRecorder(options: {
  dir: string;
  cwd: string;
  model: string;
  resumeId?: string;
  onError: (error: Error) => void;
}): SessionRecorder {
  let writer: SessionWriter | undefined;
  let resumeId = options.resumeId;
  // A new session's id is known from the start, though its file is made at the first prompt: hooks and checkpoints use it before.
  let newId = newSessionId();
  const toolNames = new Map<string, string>();
  const subagents = createSubagentLog();
  const ensureWriter = (): SessionWriter | undefined => {
    if (writer) return writer;
    try {
      writer = resumeId
        ? openSessionWriter({ dir: options.dir, id: resumeId, onError: options.onError })
        : createSessionWriter({ dir: options.dir, cwd: options.cwd, model: options.model, onError: options.onError, id: newId });
    } catch (error) {
      options.onError(error as Error);
    }
    return writer;
  };
  return {
    get id() {
      return writer?.id ?? resumeId ?? newId;
    },
    startNew() {
      writer?.close();
      // A resumed session locked at start-up but never written to is let go too.
      if (!writer && resumeId) releaseSessionLock(sessionLockPath(options.dir, resumeId) ?? '');
      writer = undefined;
      resumeId = undefined;
      newId = newSessionId();
    },
    recordRewind(messages) {
      ensureWriter()?.append({ type: 'rewind', messages });
    },
    recordPrompt(text, images) {
      ensureWriter()?.append(images?.length ? { type: 'prompt', text, images: [...images] } : { type: 'prompt', text });
    },
    recordNode(node) {
      const subagent = subagents.observe(node);
      if (subagent && writer) writer.append({ type: 'subagent', ...subagent });
      if (node.agentId !== 'main' || !writer) return;
      switch (node.type) {
        case 'history-append':
          writer.append({ type: 'messages', messages: node.messages });
          return;
        case 'history-replace':
          writer.append({ type: 'compaction', messages: node.messages });
          return;
        case 'approval-request':
          toolNames.set(node.toolCallId, node.toolName);
          return;
        case 'approval-resolve':
          writer.append({ type: 'approval', toolCallId: node.toolCallId, toolName: toolNames.get(node.toolCallId) ?? '', decision: node.decision });
          return;
        case 'user-message':
          // Saved as the prompt it is, so a resumed history holds it where the model read it.
          writer.append({ type: 'prompt', text: node.text });
          return;
        case 'run-end':
          writer.append({ type: 'turn-end', reason: node.reason });
      }
    },
  };
}

/** One turn of a resumed conversation: the prompt, the research its agent ran, and the answer that ended it. */
export interface ResumedTurn {
  prompt: string;
  answer: string;
  /** The sub-agents the turn's `research_codebase` calls ran, in the order they were called. */
  research?: SubagentRecord[];
}

/** Retells a saved history turn by turn, for the transcript of a resumed session; `subagents` adds each turn's research. */
export function summariseHistory(messages: readonly ModelMessage[], subagents: readonly SubagentRecord[] = []): ResumedTurn[] {
  const byCall = new Map(subagents.map((record) => [record.toolCallId, record]));
  const turns: ResumedTurn[] = [];
  for (const message of messages) {
    const text = textOf(message);
    if (message.role === 'user') turns.push({ prompt: text, answer: '' });
    else if (message.role === 'assistant' && turns.length > 0) {
      const turn = turns.at(-1)!;
      if (text.trim()) turn.answer = text.trim();
      for (const part of typeof message.content === 'string' ? [] : message.content) {
        const record = part.type === 'tool-call' ? byCall.get(part.toolCallId) : undefined;
        if (record) (turn.research ??= []).push(record);
      }
    }
  }
  return turns;
}

function textOf(message: ModelMessage): string {
  if (typeof message.content === 'string') return message.content;
  // A resumed transcript names a prompt's images where the model saw them.
  return message.content.map((part) => (part.type === 'text' ? part.text : part.type === 'file' && message.role === 'user' ? `\n[image: ${part.filename ?? part.mediaType}]` : '')).join('');
}
