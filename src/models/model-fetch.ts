import { rewriteChatRequest, type RequestRules } from './chat-request';
import { StalledStreamError, StreamCutError } from './model-errors';
import { createCompletionWatch } from './stream-completion';

/** How long a response may go without a byte before it is cut (the `stallTimeout` setting overrides it). */
export const DEFAULT_STALL_TIMEOUT_MS = 90_000;
// Waiting for the response head also covers the server reading the whole prompt,
// which takes minutes for a long one on a local CPU model: allow it more than a gap mid-stream.
const HEAD_WAIT_FACTOR = 4;

/** How shoal's requests to a model server are shaped and watched. */
export interface ModelFetchOptions {
  rules: RequestRules;
  /** Longest gap without a byte from the server before the request is cut. */
  stallTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * A `fetch` for the AI SDK providers that rewrites the request body for the
 * server's rules and cuts a response that stops sending bytes, failing it with
 * `StalledStreamError` instead of hanging forever. A streamed response that
 * ends before its server said it was done fails with `StreamCutError`, so it
 * is retried rather than taken for a whole answer; one whose end marker
 * arrived is whole, and a connection lost after it (the usage chunk, `[DONE]`)
 * ends it cleanly.
 */
export function createModelFetch(options: ModelFetchOptions): typeof globalThis.fetch {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const { rules } = options;
  const isRewriting = rules.reasoningContent !== 'keep';

  return async (input, init) => {
    let body = init?.body;
    if (isRewriting && typeof body === 'string') {
      try {
        body = JSON.stringify(rewriteChatRequest(JSON.parse(body) as Record<string, unknown>, rules));
      } catch {
        // Not a JSON body: nothing of ours to rewrite.
      }
    }
    const controller = new AbortController();
    const outer = init?.signal ?? undefined;
    const forwardAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) forwardAbort();
    else outer?.addEventListener('abort', forwardAbort, { once: true });
    const release = () => outer?.removeEventListener('abort', forwardAbort);
    const stall = () => controller.abort(new StalledStreamError(stallMs));

    let timer = setTimeout(stall, stallMs * HEAD_WAIT_FACTOR);
    let response: Response;
    try {
      response = await baseFetch(input, { ...init, body, signal: controller.signal });
    } catch (error) {
      release();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (!response.body) {
      release();
      return response;
    }
    const completion = isEventStream(response) ? createCompletionWatch() : undefined;
    const reader = response.body.getReader();
    const watched = new ReadableStream<Uint8Array>({
      async pull(stream) {
        try {
          const chunk = await new Promise<Awaited<ReturnType<typeof reader.read>>>((resolve, reject) => {
            timer = setTimeout(() => {
              stall();
              reject(new StalledStreamError(stallMs));
            }, stallMs);
            reader.read().then(resolve, reject);
          });
          if (chunk.done) {
            release();
            if (completion && !completion.isComplete) stream.error(new StreamCutError());
            else stream.close();
          } else {
            completion?.observe(chunk.value);
            stream.enqueue(chunk.value);
          }
        } catch (error) {
          release();
          const reason = controller.signal.reason;
          if (reason instanceof StalledStreamError) stream.error(reason);
          else if (outer?.aborted || !completion) stream.error(error);
          else if (completion.isComplete) stream.close();
          else stream.error(new StreamCutError(error));
        } finally {
          clearTimeout(timer);
        }
      },
      async cancel(reason) {
        release();
        await reader.cancel(reason).catch(() => undefined);
      },
    });
    return new Response(watched, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function isEventStream(response: Response): boolean {
  return response.ok && (response.headers.get('content-type') ?? '').includes('text/event-stream');
}
