import { createHash } from 'node:crypto';

/** How an outgoing Chat Completions request must be shaped for the server it goes to. */
export interface RequestRules {
  /** Send tool-call ids as 9 letters and digits (Mistral's rule, which every server accepts). */
  hasPortableIds: boolean;
  /**
   * `require`: DeepSeek's thinking mode refuses an assistant tool-call message without
   * `reasoning_content`; `strip`: Groq and Cerebras refuse the field; `keep`: send what the SDK sends.
   */
  reasoningContent: 'require' | 'strip' | 'keep';
}

const PORTABLE_ID = /^[a-zA-Z0-9]{9}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The rules for a server, from its address and the model id. Which server
 * validates ids cannot be told from a URL (a proxy, a self-hosted Mistral), so
 * every server but OpenAI's own gets portable ids.
 */
export function requestRulesFor(options: { baseUrl?: string; modelId: string }): RequestRules {
  const host = hostOf(options.baseUrl);
  const isOpenAI = host === undefined || host === 'api.openai.com';
  let reasoningContent: RequestRules['reasoningContent'] = 'keep';
  if (host !== undefined && /(^|\.)(groq\.com|cerebras\.ai)$/.test(host)) reasoningContent = 'strip';
  else if (host === 'api.deepseek.com' || /deepseek/i.test(options.modelId)) reasoningContent = 'require';
  return { hasPortableIds: !isOpenAI, reasoningContent };
}

/** A tool-call id as 9 base62 characters: the same id always maps to the same one, so calls and results stay paired. */
export function portableToolCallId(id: string): string {
  if (PORTABLE_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let portable = '';
  for (let index = 0; index < 9; index++) portable += BASE62[digest[index]! % 62];
  return portable;
}

/** Applies `rules` to a Chat Completions request body; other fields pass through untouched. */
export function rewriteChatRequest(body: Record<string, unknown>, rules: RequestRules): Record<string, unknown> {
  if (!Array.isArray(body.messages)) return body;
  const messages = body.messages.map((message: unknown) => {
    if (typeof message !== 'object' || message === null) return message;
    const next = { ...(message as Record<string, unknown>) };
    if (rules.hasPortableIds && typeof next.tool_call_id === 'string') next.tool_call_id = portableToolCallId(next.tool_call_id);
    const calls = Array.isArray(next.tool_calls) ? (next.tool_calls as Record<string, unknown>[]) : undefined;
    if (rules.hasPortableIds && calls) {
      next.tool_calls = calls.map((call) => (typeof call.id === 'string' ? { ...call, id: portableToolCallId(call.id) } : call));
    }
    if (next.role === 'assistant') {
      if (rules.reasoningContent === 'strip') delete next.reasoning_content;
      // History from another server has no reasoning to send back; an empty one satisfies the check.
      else if (rules.reasoningContent === 'require' && calls?.length && typeof next.reasoning_content !== 'string') next.reasoning_content = '';
    }
    return next;
  });
  return { ...body, messages };
}

/** The lower-cased host of a base URL; undefined for none (OpenAI's own API). */
export function hostOf(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  try {
    return new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return baseUrl;
  }
}
