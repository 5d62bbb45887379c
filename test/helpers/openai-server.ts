import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback';

/** One scripted Chat Completions response. */
export interface ServerReply {
  text?: string;
  toolCalls?: { id: string; name: string; arguments: string }[];
  /** Interleave the argument fragments of different calls, as real servers may. */
  interleave?: boolean;
  /** Answer with this HTTP status and a JSON error instead of a stream. */
  status?: number;
  /** Stop the stream halfway through the tool calls' arguments, with no finish chunk. */
  cutOff?: boolean;
  /** With `cutOff`: reset the connection there instead of closing it cleanly. */
  isReset?: boolean;
  /** Reset the connection right after the finish chunk: the usage chunk and `[DONE]` are lost. */
  loseAfterFinish?: boolean;
  /**
   * Stream the calls one after another, each call's arguments in small fragments, `gapMs`
   * apart, then wait `trailingMs` before the finish (the model still writing): how a real
   * model's calls arrive. With `cutAfterCalls`, reset the connection after that many calls.
   */
  pace?: { gapMs: number; trailingMs?: number; cutAfterCalls?: number; trailingText?: string };
  /** Extra response headers, e.g. retry-after on a 429. */
  headers?: Record<string, string>;
  /** Stream reasoning first, as `reasoning_content` deltas (DeepSeek, vLLM reasoning parsers). */
  reasoning?: string;
  /** Start the stream (and its text, if any) and never finish it, as a server that hangs mid-response. */
  hang?: boolean;
  /** Answer 200 with a stream holding no content and no tool calls (LM Studio's answer to an over-full prompt). */
  empty?: boolean;
  /** The usage chunk's counts: 42 prompt and 7 completion tokens unless given, and OpenAI's detail fields when given. */
  usage?: { promptTokens?: number; completionTokens?: number; cachedTokens?: number; reasoningTokens?: number };
  /** Answer with exactly this status, headers and body (a real server's error page), instead of a stream. */
  raw?: { status: number; headers?: Record<string, string>; body: string };
}

/** What the loopback server saw: one parsed request body per call. */
export interface OpenAIServer {
  baseUrl: string;
  requests: Record<string, any>[];
  /** When each request arrived (performance.now()), to measure waits between retries. */
  requestTimes: number[];
  /** When each response's last byte left or its connection closed (performance.now()), by request. */
  responseEndTimes: number[];
  close(): Promise<void>;
}


/**
 * A loopback server speaking the OpenAI Chat Completions streaming format
 * (`data: <json>` events ending in `data: [DONE]`), answering each request with
 * the next scripted reply. Closed after the test.
 */
export async function startOpenAIServer(
  replies: ServerReply[] | ((body: Record<string, any>, index: number) => ServerReply),
  /** JSON answers to GET paths below the server's root, e.g. vLLM's `/v1/models` with `max_model_len`. */
  routes: Record<string, unknown> = {},
): Promise<OpenAIServer> {
  const requests: Record<string, any>[] = [];
  const requestTimes: number[] = [];
  const responseEndTimes: number[] = [];
  const server = createServer(async (request, response) => {
    // Other paths (a model list, /props, /api/show) are what shoal probes for the window: a 404, as a bare server gives.
    if (!request.url?.endsWith('/chat/completions')) {
      const route = request.method === 'GET' ? routes[request.url ?? ''] : undefined;
      if (route !== undefined) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(route));
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no such path ${request.url}` } }));
      return;
    }
    requestTimes.push(performance.now());
    const body = JSON.parse(await readBody(request)) as Record<string, any>;
    const index = requests.push(body) - 1;
    const reply = typeof replies === 'function' ? replies(body, index) : replies[index];
    if (!request.url?.endsWith('/chat/completions') || !reply) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no scripted reply for request ${index + 1} to ${request.url}` } }));
      return;
    }
    response.on('close', () => {
      responseEndTimes[index] = performance.now();
    });
    streamReply(response, reply, body.model as string);
  });
  const { port, close } = await listenOnLoopback(server);
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, requestTimes, responseEndTimes, close };
}

function streamReply(response: ServerResponse, reply: ServerReply, model: string): void {
  if (reply.raw) {
    response.writeHead(reply.raw.status, { 'content-type': 'application/json', ...reply.raw.headers });
    response.end(reply.raw.body);
    return;
  }
  if (reply.status && reply.status !== 200) {
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(JSON.stringify({ error: { message: `scripted failure ${reply.status}`, type: 'server_error' } }));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    response.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`,
    );

  chunk({ role: 'assistant', content: '' });
  if (reply.reasoning) chunk({ reasoning_content: reply.reasoning });
  if (reply.empty) {
    chunk({}, 'stop');
    response.end('data: [DONE]\n\n');
    return;
  }
  for (const word of reply.text?.match(/\S+\s*/g) ?? []) chunk({ content: word });
  if (reply.hang) return;
  const calls = reply.toolCalls ?? [];
  if (reply.pace) {
    streamPacedCalls(response, reply, reply.pace, chunk).then(
      () => finish(response, reply, calls.length, chunk, id, model),
      () => undefined,
    );
    return;
  }
  calls.forEach((call, index) =>
    chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
  );
  const fragments = calls.map((call) => splitInHalf(call.arguments));
  const order = reply.interleave || reply.cutOff ? [0, 1] : [0];
  for (const half of order) {
    if (reply.cutOff && half === 1) {
      if (reply.isReset) response.socket?.resetAndDestroy();
      else response.end();
      return;
    }
    calls.forEach((_, index) => {
      const pieces = reply.interleave || reply.cutOff ? [fragments[index]![half]!] : fragments[index]!;
      for (const piece of pieces) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
  }
  finish(response, reply, calls.length, chunk, id, model);
}

async function streamPacedCalls(
  response: ServerResponse,
  reply: ServerReply,
  pace: NonNullable<ServerReply['pace']>,
  chunk: (delta: Record<string, unknown>) => void,
): Promise<void> {
  const calls = reply.toolCalls ?? [];
  for (const [index, call] of calls.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, pace.gapMs));
    if (pace.cutAfterCalls === index) {
      response.socket?.resetAndDestroy();
      throw new Error('cut');
    }
    chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
    for (const piece of call.arguments.match(/.{1,8}/gs) ?? []) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
  }
  if (pace.cutAfterCalls === calls.length) {
    response.socket?.resetAndDestroy();
    throw new Error('cut');
  }
  const words = pace.trailingText?.match(/\S+\s*/g) ?? [];
  for (const word of words) {
    await new Promise((resolve) => setTimeout(resolve, (pace.trailingMs ?? 0) / words.length));
    chunk({ content: word });
  }
  if (pace.trailingMs && words.length === 0) await new Promise((resolve) => setTimeout(resolve, pace.trailingMs));
}

function finish(
  response: ServerResponse,
  reply: ServerReply,
  callCount: number,
  chunk: (delta: Record<string, unknown>, finishReason?: string | null) => void,
  id: string,
  model: string,
): void {
  chunk({}, callCount > 0 ? 'tool_calls' : 'stop');
  if (reply.loseAfterFinish) {
    // Let the finish chunk leave before the reset.
    setTimeout(() => response.socket?.resetAndDestroy(), 20);
    return;
  }
  const promptTokens = reply.usage?.promptTokens ?? 42;
  const completionTokens = reply.usage?.completionTokens ?? 7;
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    ...(reply.usage?.cachedTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: reply.usage.cachedTokens } }),
    ...(reply.usage?.reasoningTokens === undefined ? {} : { completion_tokens_details: { reasoning_tokens: reply.usage.reasoningTokens } }),
  };
  response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage })}\n\n`);
  response.end('data: [DONE]\n\n');
}

function splitInHalf(text: string): [string, string] {
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}

/** A request's whole body as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
