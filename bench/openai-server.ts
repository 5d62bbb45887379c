import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './measure';

/** One scripted Chat Completions response: text, tool calls, or both. */
export interface Reply {
  text?: string;
  toolCalls?: { id: string; name: string; arguments: string }[];
}

/** What shoal's compaction asks the model (src/agent/context/summarise.ts). */
const SUMMARY_REQUEST = 'Summarise this conversation';

/** A running loopback server; `requests` counts the completions it has answered. */
export interface LoopbackServer {
  baseUrl: string;
  requests: () => number;
  close: () => Promise<void>;
}

/** One completion request as it came in: its body, and when its headers arrived (`now()`). */
export interface CompletionRequest {
  body: Buffer;
  arrivedAt: number;
}

/**
 * Answers one completion request on `response`, and says whether it counts
 * as one of the session's requests (a compaction's summary does not).
 */
export type Respond = (request: CompletionRequest, response: ServerResponse, index: number) => boolean;

/**
 * A loopback server speaking the OpenAI Chat Completions streaming format,
 * answering the n-th request with `reply(n)` (as test/helpers/openai-server.ts
 * does for the tests, without their vitest hooks).
 */
export function startLoopbackServer(reply: (index: number) => Reply): Promise<LoopbackServer> {
  return startCompletionsServer(({ body }, response, index) => {
    // A long session compacts: its summary requests are answered apart and not counted as the session's steps.
    if (body.includes(SUMMARY_REQUEST)) {
      streamReply(response, { text: '## Goal\nRead every file.\n## Open work\nThe rest of the files.' });
      return false;
    }
    streamReply(response, reply(index));
    return true;
  });
}

/** A loopback server on which `respond` writes every `/chat/completions` answer itself, e.g. paced over time. */
export async function startCompletionsServer(respond: Respond): Promise<LoopbackServer> {
  let requests = 0;
  const server = createServer((request, response) => {
    const arrivedAt = now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!request.url?.endsWith('/chat/completions')) {
        response.writeHead(404).end();
        return;
      }
      if (respond({ body: Buffer.concat(chunks), arrivedAt }, response, requests)) requests += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The headers of a Chat Completions stream. */
export function startStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

/** One `data:` event carrying one choice's delta, and the finish reason on the last. */
export function deltaEvent(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
}

/** What follows the finish chunk: the usage chunk (no choices) and `[DONE]`. */
export const STREAM_TAIL = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [], usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 } })}\n\ndata: [DONE]\n\n`;

/** Streams `reply` at once: its text word by word, each tool call whole, the finish chunk, usage and `[DONE]`. */
export function streamReply(response: ServerResponse, reply: Reply): void {
  startStream(response);
  response.write(deltaEvent({ role: 'assistant', content: '' }));
  for (const word of reply.text?.match(/\S+\s*/g) ?? []) response.write(deltaEvent({ content: word }));
  const calls = reply.toolCalls ?? [];
  calls.forEach((call, index) =>
    response.write(deltaEvent({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] })),
  );
  response.write(deltaEvent({}, calls.length > 0 ? 'tool_calls' : 'stop'));
  response.end(STREAM_TAIL);
}
