import type { AssistantModelMessage, ModelMessage, ToolModelMessage, ToolResultPart } from 'ai';

/** The result given to a call whose session ended (crash, kill) before it finished. */
export const UNFINISHED_CALL_MESSAGE = 'The session ended before this call finished.';

/**
 * Makes a history valid for the API: every tool call of an assistant message is
 * answered exactly once by the tool message(s) right after it. A call with no
 * result gets an `error-text` result saying the session ended (we keep the
 * assistant message rather than drop it, so the model still sees what it tried);
 * a result for a call that the assistant message just before did not make, or
 * that is already answered, is dropped. Each fix is reported in `problems`.
 */
export function repairToolPairing(messages: readonly ModelMessage[]): { messages: ModelMessage[]; problems: string[] } {
  const repaired: ModelMessage[] = [];
  const problems: string[] = [];
  // The calls of the latest assistant message still waiting for a result, by id.
  let owed = new Map<string, string>();

  const answerOwed = () => {
    if (owed.size === 0) return;
    const parts = [...owed].map(([toolCallId, toolName]): ToolResultPart => {
      problems.push(`${toolName} call ${toolCallId} had no result; answered with "${UNFINISHED_CALL_MESSAGE}"`);
      return { type: 'tool-result', toolCallId, toolName, output: { type: 'error-text', value: UNFINISHED_CALL_MESSAGE } };
    });
    const last = repaired.at(-1);
    // One tool message per step: join the partial answer if there is one.
    if (last?.role === 'tool') repaired[repaired.length - 1] = { ...last, content: [...last.content, ...parts] };
    else repaired.push({ role: 'tool', content: parts });
    owed = new Map();
  };

  for (const message of messages) {
    if (message.role === 'tool') {
      const { kept, dropped } = keepOwedResults(message, owed);
      for (const part of dropped) {
        problems.push(`dropped the result for ${part.toolName} call ${part.toolCallId}: no unanswered call with that id came just before it`);
      }
      if (kept) repaired.push(kept);
      continue;
    }
    answerOwed();
    repaired.push(message);
    if (message.role === 'assistant') owed = callsAwaitingResults(message);
  }
  answerOwed();
  return { messages: repaired, problems };
}

/** `message` without the results nobody is waiting for (consuming the ones that are); `kept` is undefined if nothing is left. */
function keepOwedResults(message: ToolModelMessage, owed: Map<string, string>): { kept?: ToolModelMessage; dropped: ToolResultPart[] } {
  const dropped: ToolResultPart[] = [];
  const content = message.content.filter((part) => {
    // Approval responses answer no call themselves; they pass through untouched.
    if (part.type !== 'tool-result' || owed.delete(part.toolCallId)) return true;
    dropped.push(part);
    return false;
  });
  if (content.length === 0) return { dropped };
  return { kept: content.length === message.content.length ? message : { ...message, content }, dropped };
}

function callsAwaitingResults(message: AssistantModelMessage): Map<string, string> {
  const calls = new Map<string, string>();
  if (typeof message.content === 'string') return calls;
  for (const part of message.content) {
    // A provider-executed call carries its result inside the assistant message itself.
    if (part.type === 'tool-call' && !part.providerExecuted) calls.set(part.toolCallId, part.toolName);
  }
  return calls;
}
