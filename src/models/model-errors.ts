import { APICallError, RetryError } from 'ai';
import { maskUrlsIn } from './mask-url';

/** The message of anything thrown, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** A 200 response that held no text and no tool calls (LM Studio's answer to a prompt over its context). */
export class EmptyResponseError extends Error {
  override readonly name = 'EmptyResponseError';
  constructor() {
    super('The model server returned an empty response (no text, no tool calls), possibly because the prompt exceeded its context size.');
  }
}

/** No bytes arrived from the model server for `timeoutMs`; the request was cut so it cannot hang forever. */
export class StalledStreamError extends Error {
  override readonly name = 'StalledStreamError';
  constructor(readonly timeoutMs: number) {
    super(`The model server sent nothing for ${formatSeconds(timeoutMs)}; the request was cut.`);
  }
}

/**
 * A streamed response that ended before its server said it was done: the
 * connection closed or reset mid-response. Retried like a failed request.
 */
export class StreamCutError extends Error {
  override readonly name = 'StreamCutError';
  constructor(cause?: unknown) {
    const code = codeOf(cause);
    super(`The connection to the model server closed before the response finished${code ? ` (${code})` : ''}.`, cause === undefined ? undefined : { cause });
  }
}

/** The stall behind a failure, also when the SDK wrapped it ("Failed to process successful response"). */
export function stallOf(error: unknown): StalledStreamError | undefined {
  return foundInCauses(error, StalledStreamError);
}

/** The cut behind a failure, also when the SDK wrapped it. */
export function cutOf(error: unknown): StreamCutError | undefined {
  return foundInCauses(error, StreamCutError);
}

/** True when a response failed mid-stream in a way a new request may not: a stall or a cut connection. */
export function isBrokenStream(error: unknown): boolean {
  return stallOf(error) !== undefined || cutOf(error) !== undefined;
}

function foundInCauses<T>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  let current = RetryError.isInstance(error) ? error.lastError : error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A system error code (ECONNRESET) or undici's word ("terminated") behind a failed read. */
function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error && error.message && error.message.length < 40 ? error.message : undefined;
}

/** What a server's error body says, wherever that server puts it. */
export interface ServerError {
  message: string;
  /** `error.type`, e.g. "invalid_request_error" or llama.cpp's "exceed_context_size_error". */
  type?: string;
  /** `error.code`, or Gemini's `error.status` ("RESOURCE_EXHAUSTED"). */
  code?: string;
  /** Gemini's `RetryInfo.retryDelay` in the body, in milliseconds. */
  retryDelayMs?: number;
}

/**
 * Reads an error body from any OpenAI-compatible server: OpenAI, Groq, DeepSeek, llama.cpp
 * and OpenRouter (`{error:{message}}`), Gemini (the same inside an array), Mistral and vLLM
 * (top-level `message`, or Mistral's `{detail:[...]}`), Ollama and LM Studio (`{error:"..."}`), text and HTML.
 */
export function readServerError(body: string | undefined, status?: number): ServerError | undefined {
  const text = body?.trim();
  if (!text) return undefined;
  try {
    return readErrorValue(JSON.parse(text));
  } catch {
    // Not JSON: a proxy's page or a plain sentence.
  }
  if (/^<(!doctype|html|head|body)\b/i.test(text) || /<\/(html|body)>/i.test(text)) {
    return { message: `the server answered${status ? ` ${status}` : ''} with an HTML page, not an API response; check --base-url` };
  }
  return { message: firstLine(text) };
}

/** The error inside a parsed body or a stream's error chunk. */
function readErrorValue(value: unknown): ServerError | undefined {
  // Gemini's OpenAI endpoint wraps its error in a one-element array.
  if (Array.isArray(value)) return value.length > 0 ? readErrorValue(value[0]) : undefined;
  if (typeof value === 'string') return value.trim() ? { message: firstLine(value) } : undefined;
  if (!isRecord(value)) return undefined;
  const error = value.error;
  if (typeof error === 'string') return { message: firstLine(error) };
  if (isRecord(error)) {
    const found: ServerError = { message: messageOf(error.message) ?? '', type: stringOf(error.type), code: stringOf(error.status) ?? stringOf(error.code) };
    const delay = geminiRetryDelayMs(error.details);
    if (delay !== undefined) found.retryDelayMs = delay;
    const upstream = openRouterUpstream(error.metadata);
    if (upstream) found.message = found.message ? `${found.message} (${upstream})` : upstream;
    return found.message ? found : undefined;
  }
  // Mistral and vLLM: {"object":"error","message":...}; FastAPI's validation errors: {"detail":[...]}.
  const message = messageOf(value.message) ?? messageOf(value.detail);
  return message ? { message, type: stringOf(value.type), code: stringOf(value.code) } : undefined;
}

/** A message that may be a string, Mistral's `{detail:[{loc,msg}]}` or a bare detail list. */
function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() ? firstLine(value) : undefined;
  if (Array.isArray(value)) {
    const parts = value.filter(isRecord).map((item) => {
      const location = Array.isArray(item.loc) ? item.loc.join('.') : undefined;
      const text = typeof item.msg === 'string' ? item.msg : Array.isArray(item.msg) ? item.msg.join('; ') : undefined;
      return [location, text].filter(Boolean).join(': ');
    });
    return parts.filter(Boolean).join('; ') || undefined;
  }
  if (isRecord(value)) return messageOf(value.detail) ?? messageOf(value.message);
  return undefined;
}

/** OpenRouter names the upstream provider and passes its raw error in `metadata`. */
function openRouterUpstream(metadata: unknown): string | undefined {
  if (!isRecord(metadata)) return undefined;
  const provider = stringOf(metadata.provider_name);
  let raw = typeof metadata.raw === 'string' ? metadata.raw : undefined;
  if (raw) {
    try {
      raw = readErrorValue(JSON.parse(raw))?.message ?? raw;
    } catch {
      // The upstream's raw text is not JSON: show it as it is.
    }
    raw = firstLine(raw);
  }
  if (provider && raw) return `${provider}: ${raw}`;
  return raw ?? (provider ? `from ${provider}` : undefined);
}

function geminiRetryDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (!isRecord(detail) || typeof detail.retryDelay !== 'string') continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay.trim());
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

/** The server's error behind a failed call (the last attempt's, after retries). */
export function serverErrorOf(error: unknown): ServerError | undefined {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(cause)) return readServerError(cause.responseBody, cause.statusCode);
  // An error chunk inside a 200 stream reaches us as the parsed object.
  return error instanceof Error ? undefined : readErrorValue(error);
}

/** What kind of failure a model call was; `context-overflow` is what compaction acts on. */
export type ModelErrorKind =
  | 'context-overflow'
  | 'rate-limit'
  | 'auth'
  | 'not-found'
  | 'connection'
  | 'stalled'
  | 'empty-response'
  | 'bad-request'
  | 'server'
  | 'other';

/** A failed model call, classified. `isCertain` is false where the kind is a best guess (an empty response). */
export interface ModelErrorClass {
  kind: ModelErrorKind;
  isCertain: boolean;
  status?: number;
}

// How each server words a prompt that does not fit; the sources are cited in test/models/server-errors.test.ts.
const OVERFLOW_PATTERNS = [
  /maximum context length/i, // OpenAI, vLLM, DeepSeek, OpenRouter ("This endpoint's maximum context length")
  /context[_ ]length[_ ]exceeded/i, // OpenAI, Groq codes
  /exceeds? the (available |maximum )?context/i, // llama.cpp
  /exceed_context_size/i, // llama.cpp's error type
  /too large for model with \d+ maximum context length/i, // Mistral
  /input token count.*exceeds the maximum/i, // Gemini
  /prompt (is )?too long/i, // Ollama
  /(greater|longer) than the context length/i, // LM Studio
  /context length of only \d+ tokens/i, // LM Studio
  /context (window|size) (is )?(exceeded|full|too small)/i,
  /reduce the length of the (messages|input)/i,
];
const OVERFLOW_CODES = /^(context_length_exceeded|exceed_context_size_error|string_above_max_length)$/;

/**
 * Classifies a failed model call. A prompt over the model's context is
 * recognised from every supported server's status and wording; an empty 200
 * counts as a likely overflow (LM Studio answers an over-full prompt that way).
 */
export function classifyModelError(error: unknown): ModelErrorClass {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (cause instanceof EmptyResponseError) return { kind: 'context-overflow', isCertain: false };
  if (stallOf(cause) || cutOf(cause)) return { kind: 'stalled', isCertain: true };
  const server = serverErrorOf(error);
  const status = APICallError.isInstance(cause) ? cause.statusCode : undefined;
  const certain = (kind: ModelErrorKind): ModelErrorClass => ({ kind, isCertain: true, ...(status === undefined ? {} : { status }) });
  // 429 bodies also speak of "too large" requests, but of tokens per minute, not the context.
  if (status !== 429 && server && (OVERFLOW_CODES.test(server.code ?? '') || OVERFLOW_CODES.test(server.type ?? '') || OVERFLOW_PATTERNS.some((pattern) => pattern.test(server.message)))) {
    return certain('context-overflow');
  }
  if (status === 413) return certain('context-overflow');
  if (!APICallError.isInstance(cause)) return server ? certain('server') : certain('other');
  if (status === 429 || server?.code === 'RESOURCE_EXHAUSTED') return certain('rate-limit');
  if (status === 401 || status === 403) return certain('auth');
  if (status === 404) return certain('not-found');
  if (status === undefined) return certain('connection');
  if (status >= 500) return certain('server');
  return certain(status >= 400 ? 'bad-request' : 'other');
}

/** True when the call failed because the prompt does not fit the model's context (or likely so: an empty 200). */
export function isContextOverflow(error: unknown): boolean {
  return classifyModelError(error).kind === 'context-overflow';
}

/**
 * One sentence a user can act on for a failed model call: which setting to
 * fix for 401/403, which address refused a connection, what the server said.
 * URLs in it are masked (see `maskUrl`).
 */
export function describeModelError(error: unknown): string {
  // Server and fetch messages may quote the URL, credentials and all.
  return maskUrlsIn(describeUnmasked(error));
}

function describeUnmasked(error: unknown): string {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (cause instanceof EmptyResponseError) return cause.message;
  const broken = stallOf(cause) ?? cutOf(cause);
  if (broken) return broken.message;
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode;
    const said = readServerError(cause.responseBody, status)?.message;
    if (status === 401 || status === 403) {
      return `The model server at ${origin(cause.url)} refused the request (${status}${said ? `: ${said}` : ''}): check the API key (OPENAI_API_KEY) and that it may use this model.`;
    }
    if (status === 404) {
      return `The model server at ${origin(cause.url)} answered 404${said ? ` (${said})` : ''}: check the model name (--model) and the base URL (--base-url).`;
    }
    // A text-only model behind a server that checks: say what to do, not only what it said.
    if (status === 400 && said && /\bimages?\b|image_url|input_image|vision|multimodal/i.test(said)) {
      return `The model server refused the image (400: ${firstLine(said)}): this model may not take images. Set "images": false in the settings and shoal sends a note in place of each image.`;
    }
    const connection = connectionProblem(cause.cause);
    if (connection) return `Could not reach the model server at ${origin(cause.url)} (${connection}): check --base-url or OPENAI_BASE_URL.`;
    const attempts = RetryError.isInstance(error) ? ` after ${error.errors.length} attempts` : '';
    return `The model server failed${attempts}${status ? ` (${status})` : ''}: ${sentence(said ?? cause.message)}`;
  }
  const server = serverErrorOf(cause);
  if (server) return `The model server failed: ${sentence(server.message)}`;
  return `The model call failed: ${sentence(errorMessage(cause))}`;
}

function connectionProblem(cause: unknown): string | undefined {
  let current = cause;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: string }).code;
    if (code && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function origin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/(chat\/completions|responses)$/, '')}`;
  } catch {
    return url;
  }
}

/** Ends with a full stop, so text that follows (a retry notice) reads as a new sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10}s` : `${ms}ms`;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
