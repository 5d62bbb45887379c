import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { LanguageModelV4, LanguageModelV4Prompt, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { firstUserText, fromJsonSafe, requestKey, reviveError, type RecordedResponse } from './recording';
import { errorMessage } from './model-errors';

/** How a recording is played back. */
export interface ReplayOptions {
  /** Pause between parts, so a person can watch the UI; 0 (the default) plays at once. */
  delayMs?: number;
}

const AGENT_LABEL_CHARS = 60;

/**
 * A model that answers from a recording made by `createRecordingModel`, offline
 * and deterministically. Each call gets the next unused response recorded for
 * the same request key, so concurrent sub-agents may ask in any order.
 * Rejects when the file is missing or a line is not a recorded response.
 */
export async function createReplayModel(file: string, options: ReplayOptions = {}): Promise<LanguageModelV4> {
  const responses = await readRecording(file);
  const queues = new Map<string, RecordedResponse[]>();
  for (const response of responses) {
    const queue = queues.get(response.key) ?? [];
    queue.push(response);
    queues.set(response.key, queue);
  }
  return {
    specificationVersion: 'v4',
    provider: 'replay',
    modelId: responses[0]?.request.modelId ?? 'replay',
    supportedUrls: {},
    doGenerate: async () => {
      throw new Error('The replay model answers streaming calls only.');
    },
    async doStream(callOptions) {
      const signal = callOptions.abortSignal;
      if (signal?.aborted) throw signal.reason;
      const response = queues.get(requestKey(callOptions.prompt))?.shift();
      if (!response) throw divergence(file, callOptions.prompt, responses.length);
      return { stream: playBack(response, options.delayMs ?? 0, signal) };
    },
  };
}

/** Reads and checks every line up front, so a bad file fails before the run starts. */
async function readRecording(file: string): Promise<RecordedResponse[]> {
  let text: string;
  try {
    // O_NONBLOCK and a check of the handle: a FIFO or a device is refused at once instead of read forever.
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a regular file (a FIFO, socket, device or directory)'), { code: 'ENOTREG' });
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : errorMessage(error);
    throw new Error(`Cannot read the recording ${file}: ${reason}.`);
  }
  const responses: RecordedResponse[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`The recording ${file} is corrupt at line ${index + 1}: ${errorMessage(error)}`);
    }
    if (!isRecordedResponse(value)) {
      throw new Error(`The recording ${file} is corrupt at line ${index + 1}: not a version 1 response with key and parts.`);
    }
    responses.push(value);
  });
  return responses;
}

function isRecordedResponse(value: unknown): value is RecordedResponse {
  const candidate = value as Partial<RecordedResponse> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.v === 1 &&
    typeof candidate.key === 'string' &&
    Array.isArray(candidate.parts) &&
    typeof candidate.request === 'object'
  );
}

/** One sentence for the run-end error: which request found nothing, and what to do. */
function divergence(file: string, prompt: LanguageModelV4Prompt, total: number): Error {
  const lastUser = prompt.findLastIndex((message) => message.role === 'user');
  // Each step of a run adds one assistant message after the user's.
  const step = prompt.slice(lastUser + 1).filter((message) => message.role === 'assistant').length + 1;
  const firstUser = firstUserText(prompt).replace(/\s+/g, ' ').trim();
  const label = firstUser.length > AGENT_LABEL_CHARS ? `${firstUser.slice(0, AGENT_LABEL_CHARS)}…` : firstUser;
  const responses = total === 1 ? '1 response' : `${total} responses`;
  return new Error(
    `Replay diverged: the recording ${file} has no response for this request (step ${step} of agent "${label}"); it holds ${responses}. Re-record with --record.`,
  );
}

/**
 * Streams the recorded parts, then ends the way the recording ended. Abort
 * errors the stream with the signal's reason, as a provider's fetch would.
 */
function playBack(response: RecordedResponse, delayMs: number, signal: AbortSignal | undefined): ReadableStream<LanguageModelV4StreamPart> {
  const parts = response.parts.map((part) => fromJsonSafe(part) as LanguageModelV4StreamPart);
  let index = 0;
  let stop: (() => void) | undefined;
  return new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      const onAbort = () => {
        stop?.();
        // A no-op when the stream has already closed.
        controller.error(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      stop = () => signal?.removeEventListener('abort', onAbort);
    },
    async pull(controller) {
      if (delayMs > 0) await pause(delayMs, signal);
      if (signal?.aborted) return;
      const part = parts[index++];
      if (part !== undefined) return controller.enqueue(part);
      stop?.();
      if (response.end === 'done') return controller.close();
      // Play back the failure too: a cancelled recording stops here, it does not pretend to finish.
      controller.error(
        response.end === 'error'
          ? reviveError(response.error)
          : new Error('The recorded response ends here: it was cancelled while it was being recorded.'),
      );
    },
    cancel() {
      stop?.();
    },
  });
}

/** Waits `ms`; resolves early on abort, and the caller checks the signal. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
