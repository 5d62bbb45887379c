import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { readDemoContext } from './context';
import { planDemoResponse, type DemoResponse } from './planner';

export const DEMO_MODEL_ID = 'demo';

/** How the demo model paces its stream, so the live panels can be watched. */
export interface DemoPacing {
  /** Before the first token, as a real model's latency. */
  firstTokenMs: number;
  /** Between words of text. */
  wordMs: number;
  /** Before the tool calls arrive. */
  callsMs: number;
}

export const DEMO_PACING: DemoPacing = { firstTokenMs: 250, wordMs: 18, callsMs: 350 };
const NO_PACING: DemoPacing = { firstTokenMs: 0, wordMs: 0, callsMs: 0 };

/**
 * shoal's offline model: it implements the AI SDK's language-model interface,
 * so it runs through the same loop, phases and approvals as a real one, and
 * plans each response from the tool results in the prompt (see planner.ts).
 * Deterministic: the same workspace and prompt give the same calls.
 */
export function createDemoModel(options: { pacing?: DemoPacing | false } = {}): LanguageModelV4 {
  const pacing = options.pacing === false ? NO_PACING : (options.pacing ?? DEMO_PACING);
  let callCounter = 0;
  return {
    specificationVersion: 'v4',
    provider: 'shoal',
    modelId: DEMO_MODEL_ID,
    supportedUrls: {},
    async doGenerate() {
      throw new Error('The demo model only streams.');
    },
    async doStream(callOptions) {
      const response = planDemoResponse(readDemoContext(callOptions.prompt));
      const firstId = callCounter;
      callCounter += response.calls.length;
      const inputTokens = Math.ceil(JSON.stringify(callOptions.prompt).length / 4);
      return { stream: paced(toParts(response, firstId, inputTokens), pacing, callOptions.abortSignal) };
    },
  };
}

function toParts(response: DemoResponse, firstId: number, inputTokens: number): { part: LanguageModelV4StreamPart; delay: keyof DemoPacing | 'none' }[] {
  const parts: { part: LanguageModelV4StreamPart; delay: keyof DemoPacing | 'none' }[] = [
    { part: { type: 'stream-start', warnings: [] }, delay: 'none' },
  ];
  if (response.text) {
    parts.push({ part: { type: 'text-start', id: 'text' }, delay: 'firstTokenMs' });
    for (const word of response.text.match(/\S+\s*|\s+/g) ?? []) parts.push({ part: { type: 'text-delta', id: 'text', delta: word }, delay: 'wordMs' });
    parts.push({ part: { type: 'text-end', id: 'text' }, delay: 'none' });
  }
  response.calls.forEach((call, index) => {
    parts.push({
      part: { type: 'tool-call', toolCallId: `demo_${firstId + index + 1}`, toolName: call.toolName, input: JSON.stringify(call.input) },
      delay: index === 0 ? 'callsMs' : 'none',
    });
  });
  const outputTokens = Math.ceil((response.text.length + JSON.stringify(response.calls).length) / 4);
  parts.push({
    part: {
      type: 'finish',
      finishReason: response.calls.length > 0 ? { unified: 'tool-calls', raw: 'tool_calls' } : { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
      },
    },
    delay: 'none',
  });
  return parts;
}

function paced(
  parts: { part: LanguageModelV4StreamPart; delay: keyof DemoPacing | 'none' }[],
  pacing: DemoPacing,
  signal: AbortSignal | undefined,
): ReadableStream<LanguageModelV4StreamPart> {
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      const next = parts[index++];
      if (!next) return controller.close();
      const ms = next.delay === 'none' ? 0 : pacing[next.delay];
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      if (signal?.aborted) return controller.error(signal.reason);
      controller.enqueue(next.part);
    },
  });
}
