import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/**
 * A loopback server speaking the OpenAI Chat Completions streaming format,
 * answering the n-th request with `reply(n)` (as test/helpers/openai-server.ts
 * does for the tests, without their vitest hooks).
 */
export async function startLoopbackServer(reply: (index: number) => Reply): Promise<LoopbackServer> {
  let requests = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!request.url?.endsWith('/chat/completions')) {
        response.writeHead(404).end();
        return;
      }
      // A long session compacts: its summary requests are answered apart and not counted as the session's steps.
      if (Buffer.concat(chunks).includes(SUMMARY_REQUEST)) return stream(response, { text: '## Goal\nRead every file.\n## Open work\nThe rest of the files.' });
      stream(response, reply(requests++));
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

function stream(response: ServerResponse, reply: Reply): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    response.write(
      `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`,
    );
  chunk({ role: 'assistant', content: '' });
  for (const word of reply.text?.match(/\S+\s*/g) ?? []) chunk({ content: word });
  const calls = reply.toolCalls ?? [];
  calls.forEach((call, index) =>
    chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] }),
  );
  chunk({}, calls.length > 0 ? 'tool_calls' : 'stop');
  response.write(
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [], usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 } })}\n\n`,
  );
  response.end('data: [DONE]\n\n');
}
