import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
} from '@ai-sdk/provider';
import { errorMessage } from './model-errors';

/** What a recorded response looked like when it was asked for: enough for a bug report, not the whole prompt. */
export interface RequestShape {
  modelId: string;
  provider: string;
  messages: number;
  roles: string[];
  /** The last message, or its JSON cut to about 2 KB under `truncated`. */
  lastMessage: unknown;
  tools: string[];
}

/** An `Error` as it is stored: JSON cannot hold the object itself. */
export interface StoredError {
  name: string;
  message: string;
}

/**
 * One line of a recording: one model response. `parts` are the streamed parts
 * in JSON-safe form (see `toJsonSafe`); `end` says how the stream ended.
 */
export interface RecordedResponse {
  v: 1;
  key: string;
  request: RequestShape;
  parts: unknown[];
  /** "done" when the stream closed; "error" (with `error`) or "cancelled" when it was cut. */
  end: 'done' | 'error' | 'cancelled';
  error?: StoredError;
}

const LAST_MESSAGE_LIMIT = 2048;
const SYSTEM_KEY_CHARS = 200;

/**
 * The key that pairs a request with its recorded response: a short hash of the
 * system prompt's start, the first user message and the message count. Concurrent
 * sub-agents differ in their first message, and each step adds messages.
 */
export function requestKey(prompt: LanguageModelV4Prompt): string {
  const system = prompt.find((message) => message.role === 'system');
  // Absolute paths (the workspace in the first line of every prompt) are masked
  // so a recording made in one checkout replays in another.
  const systemStart = (system?.content ?? '').slice(0, SYSTEM_KEY_CHARS).replace(/(^|\s)(?:[A-Za-z]:)?[\\/]\S*/g, '$1<path>');
  const identity = JSON.stringify([systemStart, firstUserText(prompt), prompt.length]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

/** The text of the prompt's first user message: which agent, or which conversation, a request belongs to. */
export function firstUserText(prompt: LanguageModelV4Prompt): string {
  const user = prompt.find((message) => message.role === 'user');
  if (!user || user.role !== 'user') return '';
  return user.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * Wraps a model so that every streamed response is also appended, as one JSON
 * line, to `file` once its stream ends, errors or is cancelled. Parts pass
 * through unchanged and in order. A `doStream` that rejects (before any stream)
 * is not recorded: the SDK retries those, and replay should see only the answer.
 * Opens `file` at once (see `prepareRecordingFile`), so a bad path fails at start-up.
 */
export function createRecordingModel(model: LanguageModelV4, file: string): LanguageModelV4 {
  prepareRecordingFile(file);
  return {
    specificationVersion: 'v4',
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    // The loop only streams; a non-streaming call passes through unrecorded.
    doGenerate: (options) => model.doGenerate(options),
    async doStream(options) {
      const result = await model.doStream(options);
      const key = requestKey(options.prompt);
      const request = requestShape(model, options);
      const stream = teeParts(result.stream, options.abortSignal, (parts, end, error) => {
        const line: RecordedResponse = { v: 1, key, request, parts, end, ...(error === undefined ? {} : { error: storeError(error) }) };
        appendLine(file, line);
      });
      return { ...result, stream };
    },
  };
}

/**
 * Converts a value to plain JSON that `fromJsonSafe` turns back into the same
 * shape: Dates, bytes and URLs become tagged objects, Errors `{ name, message }`.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof URL) return { $url: value.href };
  if (value instanceof Error) return storeError(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === 'object') {
    const object: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) {
      if (field !== undefined && typeof field !== 'function') object[name] = toJsonSafe(field);
    }
    return object;
  }
  return value;
}

/** Reverses `toJsonSafe`; a stored error is revived only where a part holds an error. */
export function fromJsonSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.$date === 'string') return new Date(object.$date);
  if (typeof object.$bytes === 'string') return new Uint8Array(Buffer.from(object.$bytes, 'base64'));
  if (typeof object.$url === 'string') return new URL(object.$url);
  const revived: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(object)) revived[name] = fromJsonSafe(field);
  if (revived.type === 'error' && 'error' in revived) revived.error = reviveError(revived.error);
  return revived;
}

/** Turns a stored `{ name, message }` back into an `Error`, so error handling downstream reads it as one. */
export function reviveError(stored: unknown): Error {
  const { name, message } = (stored ?? {}) as Partial<StoredError>;
  const error = new Error(typeof message === 'string' ? message : String(stored));
  if (typeof name === 'string') error.name = name;
  return error;
}

function storeError(error: unknown): StoredError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: errorMessage(error) };
}

type OnEnd = (parts: unknown[], end: RecordedResponse['end'], error?: unknown) => void;

/**
 * Passes `source` through while keeping a JSON-safe copy of each part; calls
 * `onEnd` exactly once, whether the stream closes, errors, is cancelled by the
 * reader, or is abandoned after an abort (the SDK may stop reading without cancelling).
 */
function teeParts(
  source: ReadableStream<LanguageModelV4StreamPart>,
  signal: AbortSignal | undefined,
  onEnd: OnEnd,
): ReadableStream<LanguageModelV4StreamPart> {
  const reader = source.getReader();
  const parts: unknown[] = [];
  let isEnded = false;
  /** Returns a failure to write the line, so the caller decides where it surfaces. */
  const end = (how: RecordedResponse['end'], error?: unknown): unknown => {
    if (isEnded) return undefined;
    isEnded = true;
    signal?.removeEventListener('abort', onAbort);
    try {
      onEnd(parts, how, error);
      return undefined;
    } catch (writeError) {
      return writeError;
    }
  };
  // A run being aborted has nowhere to report a write failure; the line is best effort then.
  const onAbort = () => void end('cancelled');
  signal?.addEventListener('abort', onAbort, { once: true });

  return new ReadableStream<LanguageModelV4StreamPart>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        end('error', error);
        controller.error(error);
        return;
      }
      if (next.done) {
        // The user asked for a recording: a lost line fails the step rather than vanishing.
        const writeError = end('done');
        if (writeError === undefined) controller.close();
        else controller.error(writeError);
        return;
      }
      // Copied now, as it was streamed, in case a consumer mutates the part later.
      parts.push(toJsonSafe(next.value));
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      end('cancelled');
      await reader.cancel(reason);
    },
  });
}

// O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead of hanging shoal.
const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;

/**
 * Creates `file` (0600: it holds prompts and code) and its missing parent
 * directories (0700), or checks an existing one is a regular file we may append
 * to. Throws a one-line error naming the file and what is wrong with it.
 */
export function prepareRecordingFile(file: string): void {
  try {
    makeParents(path.dirname(path.resolve(file)));
    const fd = openSync(file, APPEND_FLAGS, 0o600);
    try {
      if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new Error(`Cannot record to ${file}: ${whyNotWritable(error)}. Pass --record a file path in a directory you can write.`);
  }
}

/**
 * Creates the missing folders of `directory`, shallowest first, each on its own:
 * Node's recursive mkdir loops forever under /proc, where a folder cannot be made.
 */
function makeParents(directory: string): void {
  const missing: string[] = [];
  for (let current = directory; !existsSync(current); current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) mkdirSync(folder, { mode: 0o700 });
}

function whyNotWritable(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of its path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOENT':
      return 'a folder on its path cannot be created there';
    case 'ENXIO':
    case 'ENOTREG':
      return 'it is not a regular file (a FIFO, socket or device)';
    default:
      return errorMessage(error);
  }
}

/**
 * Appends synchronously: one `write` of one whole line, so responses of
 * concurrent sub-agents that finish together never interleave.
 */
function appendLine(file: string, line: RecordedResponse): void {
  try {
    const fd = openSync(file, APPEND_FLAGS, 0o600);
    try {
      appendFileSync(fd, `${JSON.stringify(line)}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new Error(`Could not write the recording ${file}: ${errorMessage(error)}`);
  }
}

function requestShape(model: LanguageModelV4, options: LanguageModelV4CallOptions): RequestShape {
  const last = options.prompt.at(-1);
  const lastJson = last === undefined ? undefined : JSON.stringify(toJsonSafe(last));
  return {
    modelId: model.modelId,
    provider: model.provider,
    messages: options.prompt.length,
    roles: options.prompt.map((message) => message.role),
    lastMessage:
      lastJson === undefined || lastJson.length <= LAST_MESSAGE_LIMIT
        ? toJsonSafe(last)
        : { role: last?.role, truncated: `${lastJson.slice(0, LAST_MESSAGE_LIMIT)}…` },
    tools: (options.tools ?? []).map((tool) => tool.name),
  };
}
