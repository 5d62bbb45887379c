/** How an outgoing Chat Completions request must be shaped for the server it goes to. */
export interface RequestRules {
  /**
   * `require`: DeepSeek's thinking mode refuses an assistant tool-call message without
   * `reasoning_content`; `strip`: Groq and Cerebras refuse the field; `keep`: send what the SDK sends.
   */
  reasoningContent: 'require' | 'strip' | 'keep';
}

/** The rules for a server, from its address and the model id. (Tool-call ids are the model's own concern: see history-origin.ts.) */
export function requestRulesFor(options: { baseUrl?: string; modelId: string }): RequestRules {
  const host = hostOf(options.baseUrl);
  if (host !== undefined && /(^|\.)(groq\.com|cerebras\.ai)$/.test(host)) return { reasoningContent: 'strip' };
  if (host === 'api.deepseek.com' || /deepseek/i.test(options.modelId)) return { reasoningContent: 'require' };
  return { reasoningContent: 'keep' };
}

/** Applies `rules` to a Chat Completions request body; other fields pass through untouched. */
export function rewriteChatRequest(body: Record<string, unknown>, rules: RequestRules): Record<string, unknown> {
  if (!Array.isArray(body.messages)) return body;
  const messages = body.messages.map((message: unknown) => {
    if (typeof message !== 'object' || message === null) return message;
    const next = { ...(message as Record<string, unknown>) };
    if (next.role === 'assistant') {
      const hasCalls = Array.isArray(next.tool_calls) && next.tool_calls.length > 0;
      if (rules.reasoningContent === 'strip') delete next.reasoning_content;
      // History from another server has no reasoning to send back; an empty one satisfies the check.
      else if (rules.reasoningContent === 'require' && hasCalls && typeof next.reasoning_content !== 'string') next.reasoning_content = '';
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
