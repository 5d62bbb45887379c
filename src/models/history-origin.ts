import type {
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4Message,
  LanguageModelV4Middleware,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  SharedV4ProviderOptions,
  SharedV4Warning,
} from '@ai-sdk/provider';
import { hostOf } from './chat-request';
import { isPortableToolCallId, isToolCallIdRefusal, portableToolCallId } from './tool-call-ids';

/** The API a model is spoken to through. */
export type ModelApi = 'responses' | 'chat';

/** What the origin middleware knows of the model it wraps. */
export interface OriginOptions {
  /** Who produced a part: see `originOf`. */
  origin: string;
  /** Send every tool-call id in the portable form from the start (a server with Mistral's rule). */
  isMappingAll: boolean;
  /** The model's own request options, read at each call; what the caller passes goes over them. */
  requestOptions?: () => SharedV4ProviderOptions;
}

/** A model warning whose message starts so is a line for the user (the loop's `step-notice`), not a developer's note. */
export const NOTICE_PREFIX = 'shoal: ';

/** The warning a refused-then-retried request carries. */
export const ID_RETRY_WARNING: SharedV4Warning = {
  type: 'other',
  message: `${NOTICE_PREFIX}The server refused the tool-call ids; retried with 9-character ids, and they stay so for this session.`,
};

/** The origin of what a model produces: its API, server and model, e.g. "responses api.openai.com gpt-5.4". */
export function originOf(options: { api: ModelApi; baseUrl?: string; modelId: string }): string {
  let server = 'api.openai.com';
  if (options.baseUrl) {
    try {
      server = new URL(options.baseUrl).host.toLowerCase();
    } catch {
      server = hostOf(options.baseUrl)!;
    }
  }
  return `${options.api} ${server} ${options.modelId}`;
}

/**
 * Middleware that keeps a history valid across servers and models. It stamps
 * `providerMetadata.shoal.origin` on the reasoning and tool calls the model
 * produces, which the SDK keeps as `providerOptions` in the history shoal
 * saves. Before each request, parts from another origin (or none: an older
 * session) are foreign: their reasoning is dropped, their provider data
 * stripped and their tool-call ids (and their results') sent in the portable
 * form. Ids of the model's own calls go back as the server gave them, unless
 * the server takes only portable ones, or refuses them once: then the request
 * is retried with every id mapped, and every later one is sent so.
 */
export function createOriginMiddleware(options: OriginOptions): LanguageModelV4Middleware {
  let isMappingAll = options.isMappingAll;
  const stamp = { shoal: { origin: options.origin } };
  /** Calls the model; a refusal of the ids' format is retried once with every id mapped, from then on for good. */
  async function withIdRetry<T>(call: () => PromiseLike<T>, retry: (params: LanguageModelV4CallOptions) => PromiseLike<T>, params: LanguageModelV4CallOptions) {
    try {
      return { result: await call(), isRetried: false };
    } catch (error) {
      if (isMappingAll || !isToolCallIdRefusal(error) || !hasUnportableIds(params.prompt)) throw error;
      isMappingAll = true;
      return { result: await retry({ ...params, prompt: adaptPrompt(params.prompt, { origin: options.origin, isMappingAll }) }), isRetried: true };
    }
  }
  return {
    specificationVersion: 'v4',
    transformParams: async ({ params }) => ({
      ...params,
      prompt: adaptPrompt(params.prompt, { origin: options.origin, isMappingAll }),
      providerOptions: mergeOptions(options.requestOptions?.(), params.providerOptions),
    }),
    wrapStream: async ({ doStream, params, model }) => {
      const { result, isRetried } = await withIdRetry(doStream, (retried) => model.doStream(retried), params);
      const stream = result.stream.pipeThrough(
        new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
          transform(part, controller) {
            if (part.type === 'stream-start' && isRetried) controller.enqueue({ ...part, warnings: [...part.warnings, ID_RETRY_WARNING] });
            else if (STAMPED_STREAM_PARTS.has(part.type)) controller.enqueue(withStamp(part as StampablePart, stamp) as LanguageModelV4StreamPart);
            else controller.enqueue(part);
          },
        }),
      );
      return { ...result, stream };
    },
    wrapGenerate: async ({ doGenerate, params, model }) => {
      const { result, isRetried } = await withIdRetry(doGenerate, (retried) => model.doGenerate(retried), params);
      const content = result.content.map((part: LanguageModelV4Content) => (part.type === 'reasoning' || part.type === 'tool-call' ? withStamp(part, stamp) : part));
      return { ...result, content, warnings: isRetried ? [...result.warnings, ID_RETRY_WARNING] : result.warnings };
    },
  };
}

const STAMPED_STREAM_PARTS = new Set<LanguageModelV4StreamPart['type']>(['reasoning-start', 'reasoning-delta', 'reasoning-end', 'tool-call']);
type StampablePart = Extract<LanguageModelV4StreamPart, { type: 'reasoning-start' | 'reasoning-delta' | 'reasoning-end' | 'tool-call' }>;
type AssistantPart = Extract<LanguageModelV4Message, { role: 'assistant' }>['content'][number];
type ToolPart = Extract<LanguageModelV4Message, { role: 'tool' }>['content'][number];

// The SDK keeps the last metadata a reasoning part got (its end carries OpenAI's encrypted content), so every part is stamped.
function withStamp<T extends { providerMetadata?: SharedV4ProviderOptions }>(part: T, stamp: SharedV4ProviderOptions): T {
  return { ...part, providerMetadata: { ...part.providerMetadata, ...stamp } };
}

/**
 * The prompt as this origin's server should get it: foreign reasoning dropped,
 * foreign tool calls without their provider data and under portable ids (all
 * ids when `isMappingAll`), each result under the id its call went out with.
 * Text keeps its provider data: with `store: false` the Responses API gets no
 * item ids from it.
 */
export function adaptPrompt(prompt: LanguageModelV4Prompt, options: { origin: string; isMappingAll: boolean }): LanguageModelV4Prompt {
  // The id each call goes out under, by its id in the history; a result follows its call.
  const sentIds = new Map<string, string>();
  const resultId = (id: string) => sentIds.get(id) ?? (options.isMappingAll ? portableToolCallId(id) : id);
  const adapted: LanguageModelV4Prompt = [];
  for (const message of prompt) {
    if (message.role === 'assistant') {
      const content = message.content.flatMap((part): AssistantPart[] => {
        const isForeign = originOfPart(part.providerOptions) !== options.origin;
        switch (part.type) {
          case 'reasoning':
          case 'reasoning-file':
            return isForeign ? [] : [part];
          case 'tool-call': {
            const id = options.isMappingAll || isForeign ? portableToolCallId(part.toolCallId) : part.toolCallId;
            sentIds.set(part.toolCallId, id);
            return [isForeign ? { ...part, toolCallId: id, providerOptions: shoalOnly(part.providerOptions) } : { ...part, toolCallId: id }];
          }
          case 'tool-result':
            return [{ ...part, toolCallId: resultId(part.toolCallId) }];
          default:
            return [part];
        }
      });
      // A message that held nothing but foreign reasoning says nothing to this server.
      if (content.length > 0) adapted.push({ ...message, content });
    } else if (message.role === 'tool') {
      adapted.push({ ...message, content: message.content.map((part): ToolPart => (part.type === 'tool-result' ? { ...part, toolCallId: resultId(part.toolCallId) } : part)) });
    } else {
      adapted.push(message);
    }
  }
  return adapted;
}

function originOfPart(providerOptions: SharedV4ProviderOptions | undefined): string | undefined {
  const origin = providerOptions?.shoal?.origin;
  return typeof origin === 'string' ? origin : undefined;
}

function shoalOnly(providerOptions: SharedV4ProviderOptions | undefined): SharedV4ProviderOptions | undefined {
  return providerOptions?.shoal ? { shoal: providerOptions.shoal } : undefined;
}

/** Whether mapping every id would change anything the prompt sends. */
function hasUnportableIds(prompt: LanguageModelV4Prompt): boolean {
  return prompt.some(
    (message) =>
      (message.role === 'assistant' || message.role === 'tool') &&
      message.content.some((part) => (part.type === 'tool-call' || part.type === 'tool-result') && !isPortableToolCallId(part.toolCallId)),
  );
}

/** The model's own options under the caller's, provider by provider. */
function mergeOptions(own: SharedV4ProviderOptions | undefined, caller: SharedV4ProviderOptions | undefined): SharedV4ProviderOptions | undefined {
  if (!own) return caller;
  const merged: SharedV4ProviderOptions = { ...own };
  for (const [provider, values] of Object.entries(caller ?? {})) merged[provider] = { ...own[provider], ...values };
  return merged;
}
