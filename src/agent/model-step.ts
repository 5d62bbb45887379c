import { experimental_streamTextLowMemory as streamTextOnce, jsonSchema, tool, zodSchema, type LanguageModel, type ModelMessage, type Tool } from 'ai';
import type { ToolRegistry } from '../tools/registry';
import { classifyModelError, describeModelError, EmptyResponseError, errorMessage, isBrokenStream, type ModelErrorClass } from '../models/model-errors';
import type { ProviderOptions } from '../models/model';
import type { ModelPrice } from '../models/prices';
import { askedRetryDelayMs, DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from '../models/retry-policy';
import { NOTICE_PREFIX } from '../models/history-origin';
import { pricedUsage, usageOfCall } from './call-usage';
import type { EarlyCalls } from './calls/early-calls';
import type { NodeBody, ToolCallInfo, Usage } from './nodes';

// The SDK would otherwise print warnings to the console and wreck the TUI.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;


/** What one model call needs. */
export interface ModelStepOptions {
  model: LanguageModel;
  instructions: string;
  messages: readonly ModelMessage[];
  tools: ToolRegistry;
  signal: AbortSignal;
  step: number;
  providerOptions?: ProviderOptions;
  /** Overrides the policy's retry count (0: fail at once). */
  maxRetries?: number;
  retryPolicy?: RetryPolicy;
  /** The model's price, when known: each step's usage then carries its cost. */
  price?: ModelPrice;
  /** Starts safe calls as their arguments complete; a discarded response cancels them. */
  early?: EarlyCalls;
}

/** What one model call produced. `error` is set when it failed or was aborted. */
export interface ModelStepResult {
  calls: ToolCallInfo[];
  invalidCalls: (ToolCallInfo & { error: string })[];
  /** The assistant message and, for invalid calls, the SDK's tool message answering them. */
  responseMessages: ModelMessage[];
  text: string;
  finishReason: string;
  usage: Usage;
  error?: string;
  /** What kind of failure `error` was, e.g. a context overflow that compaction can fix. */
  errorKind?: ModelErrorClass;
  /** Why a response ended early, when it was cut off after streaming something. */
  cutOffReason?: string;
}

/**
 * Makes one model call, yielding text as it streams; tools are declared
 * without `execute`, so the SDK validates calls but never runs them. A call
 * that fails before anything streamed is retried per the retry policy, with a
 * `step-retry` node before each wait, so the user sees what is happening. So
 * is one whose stream broke mid-response (cut or stalled): what it showed is
 * discarded first (`response-discard`), its early calls cancelled, so every
 * call is answered once, from the response that stands.
 * Contract: never rejects; failures and aborts come back in `error`.
 */
export async function* streamModelStep(options: ModelStepOptions): AsyncGenerator<NodeBody, ModelStepResult> {
  const policy = { ...(options.retryPolicy ?? DEFAULT_RETRY_POLICY), ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }) };
  for (let attempt = 1; ; attempt += 1) {
    const { result, failure, hasShown } = yield* attemptModelStep(options);
    if (options.signal.aborted) return { ...result, error: 'aborted' };
    const hasOutput = result.text !== '' || result.calls.length > 0 || result.invalidCalls.length > 0;
    if (failure === undefined) {
      if (hasOutput) return result;
      // A 200 with nothing in it (LM Studio's answer to an over-full prompt) must not pass for an answer.
      return failed(result, new EmptyResponseError());
    }
    const delayMs = retryDelay(failure, attempt, policy);
    const reason = describeModelError(failure);
    // Something arrived before the failure: the response was cut off. Unless the stream broke and a
    // retry is left, keep its text; its calls never run.
    if (hasOutput && (delayMs === undefined || !isBrokenStream(failure))) {
      await options.early?.cancel();
      return cutOff(result, reason);
    }
    if (delayMs === undefined) return failed(result, failure, attempt > policy.maxRetries ? undefined : policy);
    if (hasShown) {
      await options.early?.cancel();
      options.early?.reset();
      yield { type: 'response-discard', step: options.step, reason };
    }
    yield { type: 'step-retry', step: options.step, attempt, maxRetries: policy.maxRetries, delayMs, reason };
    try {
      await sleep(delayMs, options.signal);
    } catch {
      return { ...result, error: 'aborted' };
    }
  }
}

async function* attemptModelStep(
  options: ModelStepOptions,
): AsyncGenerator<NodeBody, { result: ModelStepResult; failure: unknown; hasShown: boolean }> {
  const { early } = options;
  // Anything on screen (text, reasoning, an early call) that a retry must take back.
  let hasShown = false;
  const result: ModelStepResult = {
    calls: [],
    invalidCalls: [],
    responseMessages: [],
    text: '',
    finishReason: 'other',
    usage: pricedUsage({ inputTokens: 0, outputTokens: 0 }, options.price),
  };
  let failure: unknown;
  const responseMessages: ModelMessage[] = [];
  // The single-consumer stream: streamText keeps every part it streamed for a second reader (thousands of
  // argument pieces for a 4 MB write_file) until the step is garbage; the messages come from onStepEnd instead.
  const stream = streamTextOnce({
    model: options.model,
    instructions: options.instructions,
    messages: [...options.messages],
    tools: sdkTools(options.tools),
    abortSignal: options.signal,
    // shoal retries itself, so it can show the wait.
    maxRetries: 0,
    providerOptions: options.providerOptions,
    onError: ({ error }) => {
      failure ??= error;
    },
    onStepEnd: (step) => {
      responseMessages.push(...step.response.messages);
    },
  });

  try {
    for await (const part of stream.stream) {
      switch (part.type) {
        case 'start-step':
          // The model client's own notes for the user (the id-format retry), marked as shoal's.
          for (const warning of part.warnings) {
            if (warning.type === 'other' && warning.message.startsWith(NOTICE_PREFIX)) {
              yield { type: 'step-notice', step: options.step, text: warning.message.slice(NOTICE_PREFIX.length) };
            }
          }
          break;
        case 'text-delta':
          hasShown = true;
          result.text += part.text;
          yield { type: 'text-delta', step: options.step, text: part.text };
          break;
        case 'reasoning-delta':
          hasShown = true;
          yield { type: 'reasoning-delta', step: options.step, text: part.text };
          break;
        case 'tool-input-start':
          hasShown = true;
          early?.inputStart(part.id, part.toolName);
          break;
        case 'tool-input-delta':
          early?.inputDelta(part.id, part.delta);
          break;
        case 'tool-input-end':
          early?.inputEnd(part.id);
          break;
        case 'tool-call': {
          hasShown = true;
          const call = { toolCallId: part.toolCallId, toolName: part.toolName, input: part.input };
          early?.toolCall(call, part.invalid === true);
          if (part.invalid) result.invalidCalls.push({ ...call, error: errorMessage(part.error) });
          else result.calls.push(call);
          break;
        }
        case 'finish-step':
          result.finishReason = part.finishReason;
          result.usage = usageOfCall(part.usage, options.price);
          break;
        case 'error':
          failure ??= part.error;
          break;
      }
    }
    // The step's messages arrived before the stream closed: onStepEnd runs as the step finishes.
    if (!options.signal.aborted && failure === undefined) result.responseMessages = responseMessages;
  } catch (error) {
    failure ??= error;
  }
  return { result, failure, hasShown };
}

/** The step's failure, saying so when the server asked for a longer wait than shoal accepts. */
function failed(result: ModelStepResult, failure: unknown, policy?: RetryPolicy): ModelStepResult {
  let error = describeModelError(failure);
  const askedMs = askedRetryDelayMs(failure);
  if (policy && askedMs !== undefined && askedMs > policy.maxDelayMs) {
    error += ` The server asked to wait ${Math.ceil(askedMs / 1000)}s before retrying, longer than shoal waits (${Math.round(policy.maxDelayMs / 1000)}s); try again later.`;
  }
  return { ...result, error, errorKind: classifyModelError(failure) };
}

function cutOff(result: ModelStepResult, reason: string): ModelStepResult {
  return {
    ...result,
    finishReason: 'interrupted',
    cutOffReason: reason.replace(/\.$/, ''),
    responseMessages: result.text ? [{ role: 'assistant', content: result.text }] : [],
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const sdkToolsCache = new WeakMap<ToolRegistry, Record<string, Tool>>();

function sdkTools(registry: ToolRegistry): Record<string, Tool> {
  let tools = sdkToolsCache.get(registry);
  if (!tools) {
    tools = {};
    for (const shoalTool of registry.values()) {
      // Wrapped once: the SDK converts a bare zod schema to JSON Schema again on every request.
      // A ready JSON Schema (an MCP server's) goes as it is, unvalidated here: its server validates.
      const inputSchema = shoalTool.jsonSchema ? jsonSchema(shoalTool.jsonSchema) : zodSchema(shoalTool.inputSchema);
      tools[shoalTool.name] = tool({ description: shoalTool.description, inputSchema });
    }
    sdkToolsCache.set(registry, tools);
  }
  return tools;
}
