/**
 * Whether a streamed model response got as far as saying it was done. Chat
 * Completions says so with a `finish_reason` (or `[DONE]`), the Responses API
 * with `response.completed`, `response.incomplete` or `response.failed`; an
 * error event ends a response too, for the SDK to report. What counts is JSON
 * structure, never text: a quote inside a streamed string arrives escaped.
 */
const DONE_MARKER =
  /"finish_reason"\s*:\s*"|\ndata:\s*\[DONE\]|"type"\s*:\s*"(response\.(completed|incomplete|failed)|error)"|(^|\n)data:\s*\{\s*"error"\s*:/;
// Long enough to hold any marker split across two chunks.
const TAIL_CHARS = 64;

/** Reads a response's bytes as they pass and remembers whether its end marker went by. */
export interface CompletionWatch {
  observe(chunk: Uint8Array): void;
  readonly isComplete: boolean;
}

export function createCompletionWatch(): CompletionWatch {
  const decoder = new TextDecoder();
  let tail = '\n';
  let isComplete = false;
  return {
    observe(chunk) {
      if (isComplete) return;
      const text = tail + decoder.decode(chunk, { stream: true });
      if (DONE_MARKER.test(text)) isComplete = true;
      tail = text.slice(-TAIL_CHARS);
    },
    get isComplete() {
      return isComplete;
    },
  };
}
