import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV4 } from 'ai/test';

/** One scripted model response. */
export interface ScriptedStep {
  text?: string;
  calls?: { toolName: string; input: unknown; id?: string }[];
  /** Raw argument strings, e.g. broken JSON. */
  rawCalls?: { toolName: string; rawInput: string; id?: string }[];
  /** Latency before the response starts streaming. */
  delayMs?: number;
  /** Reasoning streamed word by word before the text, as reasoning parts. */
  reasoning?: string;
  /** A pause after the reasoning, so a test can see the step while it still thinks. */
  reasoningPauseMs?: number;
}

type Script = ScriptedStep[] | ((options: LanguageModelV4CallOptions, index: number) => ScriptedStep);

/**
 * A model that answers each call with the next scripted step (or what the
 * function returns for that call), through the SDK's own mock, so the loop runs
 * exactly as it does against a provider. `doStreamCalls` shows what was sent.
 */
export function createScriptedModel(script: Script, modelId = 'scripted'): MockLanguageModelV4 {
  let index = 0;
  return new MockLanguageModelV4({
    modelId,
    doStream: async (options) => {
      const current = index++;
      const step = typeof script === 'function' ? script(options, current) : script[current];
      if (!step) throw new Error(`The scripted model has no step ${current + 1}.`);
      if (step.delayMs) await sleep(step.delayMs, options.abortSignal);
      return { stream: toStream(step, current, options.abortSignal) };
    },
  });
}

function toStream(step: ScriptedStep, index: number, signal?: AbortSignal): ReadableStream<LanguageModelV4StreamPart> {
  const parts: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  if (step.reasoning) {
    const id = `reasoning-${index}`;
    parts.push({ type: 'reasoning-start', id });
    for (const word of step.reasoning.match(/\S+\s*/g) ?? []) parts.push({ type: 'reasoning-delta', id, delta: word });
    parts.push({ type: 'reasoning-end', id });
  }
  const pauseAt = parts.length;
  if (step.text) {
    const id = `text-${index}`;
    parts.push({ type: 'text-start', id });
    for (const word of step.text.match(/\S+\s*/g) ?? []) parts.push({ type: 'text-delta', id, delta: word });
    parts.push({ type: 'text-end', id });
  }
  const calls = [
    ...(step.calls ?? []).map((call) => ({ ...call, rawInput: JSON.stringify(call.input) })),
    ...(step.rawCalls ?? []),
  ];
  calls.forEach((call, callIndex) => {
    parts.push({
      type: 'tool-call',
      toolCallId: call.id ?? `call-${index}-${callIndex}`,
      toolName: call.toolName,
      input: call.rawInput,
    });
  });
  parts.push({
    type: 'finish',
    finishReason: calls.length > 0 ? { unified: 'tool-calls', raw: 'tool_calls' } : { unified: 'stop', raw: 'stop' },
    usage: {
      inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 5, text: 5, reasoning: 0 },
    },
  });
  return new ReadableStream({
    async start(controller) {
      for (const [position, part] of parts.entries()) {
        if (position === pauseAt && step.reasoningPauseMs) await sleep(step.reasoningPauseMs, signal).catch(() => {});
        controller.enqueue(part);
      }
      controller.close();
    },
  });
}

/** Resolves after `ms`, or rejects when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
