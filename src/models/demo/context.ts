import type { LanguageModelV4Prompt } from '@ai-sdk/provider';

/** A tool call of the current turn with what came back. */
export interface DemoToolResult {
  toolName: string;
  input: Record<string, unknown>;
  output: string;
  status: 'ok' | 'error' | 'denied';
}

/** What the demo model knows when it answers: which agent it is, the request, and this turn's tool results. */
export interface DemoContext {
  isResearch: boolean;
  request: string;
  results: DemoToolResult[];
}

/**
 * Reads the prompt the loop sent: the system prompt tells the research agent
 * from the main one, the last user message is the request, and the tool calls
 * after it, paired with their results, are what the model has learnt this turn.
 */
export function readDemoContext(prompt: LanguageModelV4Prompt): DemoContext {
  const system = prompt.find((message) => message.role === 'system')?.content ?? '';
  const lastUser = prompt.findLastIndex((message) => message.role === 'user');
  const userMessage = prompt[lastUser];
  const request =
    userMessage?.role === 'user'
      ? userMessage.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ')
      : '';
  const inputs = new Map<string, { toolName: string; input: Record<string, unknown> }>();
  const results: DemoToolResult[] = [];
  for (const message of prompt.slice(lastUser + 1)) {
    for (const part of message.content) {
      if (typeof part === 'string') continue;
      if (part.type === 'tool-call') inputs.set(part.toolCallId, { toolName: part.toolName, input: asRecord(part.input) });
      if (part.type !== 'tool-result') continue;
      const call = inputs.get(part.toolCallId);
      const output = part.output;
      const text =
        output.type === 'text' || output.type === 'error-text'
          ? output.value
          : output.type === 'execution-denied'
            ? (output.reason ?? 'denied')
            : JSON.stringify('value' in output ? output.value : output);
      const status = output.type === 'execution-denied' ? 'denied' : output.type.startsWith('error') ? 'error' : 'ok';
      results.push({ toolName: part.toolName, input: call?.input ?? {}, output: text, status });
    }
  }
  return { isResearch: system.includes('research sub-agent'), request, results };
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      return asRecord(JSON.parse(value));
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
