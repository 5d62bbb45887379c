import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback';
import { readBody } from './openai-server';

/**
 * One scripted Responses API answer, streamed as OpenAI streams it: its
 * reasoning item first, then its function calls, then its message.
 */
export interface ResponsesReply {
  /** A reasoning item: its summary parts (streamed word by word) and its encrypted content. */
  reasoning?: { summary: string[]; encryptedContent: string };
  /** `function_call` items, each under its own `call_id`. */
  toolCalls?: { callId: string; name: string; arguments: string }[];
  text?: string;
  /** The usage of `response.completed`: 120 input and 30 output tokens unless given. */
  usage?: { inputTokens?: number; outputTokens?: number; cachedTokens?: number; reasoningTokens?: number };
  /** Answer with exactly this status and body instead of a stream. */
  raw?: { status: number; body: string };
  /** Wait `gapMs` before each output item after the first; with `cutAfterItems`, reset the connection after that many. */
  pace?: { gapMs: number; cutAfterItems?: number };
}

/** What the loopback server saw. */
export interface ResponsesServer {
  baseUrl: string;
  /** One parsed body per request to `/responses`. */
  requests: Record<string, any>[];
  /** The path of every POST, `/v1/responses` or anything else a client tried. */
  paths: string[];
  close(): Promise<void>;
}

/**
 * A loopback server speaking OpenAI's Responses API (`POST /v1/responses`,
 * `stream: true`): `event:`/`data:` SSE events shaped as in OpenAI's captures
 * (the AI SDK's own fixtures, e.g. openai-reasoning-encrypted-content.1.chunks.txt),
 * answering each request with the next scripted reply. Closed after the test.
 */
export async function startResponsesServer(replies: ResponsesReply[] | ((body: Record<string, any>, index: number) => ResponsesReply)): Promise<ResponsesServer> {
  const requests: Record<string, any>[] = [];
  const paths: string[] = [];
  const server = createServer(async (request, response) => {
    if (request.method === 'POST') paths.push(request.url ?? '');
    // Anything else (a GET of /v1/models, as shoal's context-window probe sends) is not found, as on a bare proxy.
    if (request.method !== 'POST' || !request.url?.endsWith('/responses')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `Invalid URL (${request.method} ${request.url})`, type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    const body = JSON.parse(await readBody(request)) as Record<string, any>;
    const index = requests.push(body) - 1;
    const reply = typeof replies === 'function' ? replies(body, index) : replies[index];
    if (!reply) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no scripted reply for request ${index + 1}`, type: 'server_error', param: null, code: null } }));
      return;
    }
    streamReply(response, reply, body).catch(() => response.socket?.resetAndDestroy());
  });
  const { port, close } = await listenOnLoopback(server);
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, paths, close };
}

async function streamReply(response: ServerResponse, reply: ResponsesReply, request: Record<string, any>): Promise<void> {
  if (reply.raw) {
    response.writeHead(reply.raw.status, { 'content-type': 'application/json' });
    response.end(reply.raw.body);
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let sequence = 0;
  const send = (type: string, fields: Record<string, unknown>) => {
    response.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
  };
  const head = {
    id: `resp_${hex(25)}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model: request.model,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    reasoning: request.reasoning ?? { effort: null, summary: null },
    store: request.store ?? true,
    tool_choice: 'auto',
    error: null,
    incomplete_details: null,
  };
  send('response.created', { response: { ...head, status: 'in_progress', output: [], usage: null } });
  send('response.in_progress', { response: { ...head, status: 'in_progress', output: [], usage: null } });

  const output: Record<string, unknown>[] = [];
  const items: (() => Record<string, unknown>)[] = [
    ...(reply.reasoning ? [() => streamReasoning(send, output.length, reply.reasoning!)] : []),
    ...(reply.toolCalls ?? []).map((call) => () => streamFunctionCall(send, output.length, call)),
    ...(reply.text === undefined ? [] : [() => streamMessage(send, output.length, reply.text!)]),
  ];
  for (const [index, item] of items.entries()) {
    if (index > 0 && reply.pace) await new Promise((resolve) => setTimeout(resolve, reply.pace!.gapMs));
    if (reply.pace?.cutAfterItems === index) {
      response.socket?.resetAndDestroy();
      return;
    }
    output.push(item());
  }

  const inputTokens = reply.usage?.inputTokens ?? 120;
  const outputTokens = reply.usage?.outputTokens ?? 30;
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: reply.usage?.cachedTokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reply.usage?.reasoningTokens ?? 0 },
    total_tokens: inputTokens + outputTokens,
  };
  send('response.completed', { response: { ...head, status: 'completed', output, usage } });
  response.end();
}

type Send = (type: string, fields: Record<string, unknown>) => void;

function streamReasoning(send: Send, outputIndex: number, reasoning: NonNullable<ResponsesReply['reasoning']>): Record<string, unknown> {
  const id = `rs_${hex(25)}`;
  // OpenAI sends an encrypted content when the item starts too, and a different, final one when it is done.
  send('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', encrypted_content: `gAAAA${hex(8)}`, summary: [] } });
  reasoning.summary.forEach((text, summaryIndex) => {
    const at = { item_id: id, output_index: outputIndex, summary_index: summaryIndex };
    send('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
    for (const word of words(text)) send('response.reasoning_summary_text.delta', { ...at, delta: word, obfuscation: hex(4) });
    send('response.reasoning_summary_text.done', { ...at, text });
    send('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text } });
  });
  const item = {
    id,
    type: 'reasoning',
    encrypted_content: reasoning.encryptedContent,
    summary: reasoning.summary.map((text) => ({ type: 'summary_text', text })),
  };
  send('response.output_item.done', { output_index: outputIndex, item });
  return item;
}

function streamFunctionCall(send: Send, outputIndex: number, call: NonNullable<ResponsesReply['toolCalls']>[number]): Record<string, unknown> {
  const id = `fc_${hex(25)}`;
  const item = { id, type: 'function_call', call_id: call.callId, name: call.name };
  send('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
  const middle = Math.floor(call.arguments.length / 2);
  for (const delta of [call.arguments.slice(0, middle), call.arguments.slice(middle)]) {
    send('response.function_call_arguments.delta', { item_id: id, output_index: outputIndex, delta, obfuscation: hex(4) });
  }
  send('response.function_call_arguments.done', { item_id: id, output_index: outputIndex, arguments: call.arguments });
  const done = { ...item, status: 'completed', arguments: call.arguments };
  send('response.output_item.done', { output_index: outputIndex, item: done });
  return done;
}

function streamMessage(send: Send, outputIndex: number, text: string): Record<string, unknown> {
  const id = `msg_${hex(25)}`;
  const at = { item_id: id, output_index: outputIndex, content_index: 0 };
  send('response.output_item.added', { output_index: outputIndex, item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
  send('response.content_part.added', { ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
  for (const word of words(text)) send('response.output_text.delta', { ...at, delta: word, logprobs: [], obfuscation: hex(4) });
  send('response.output_text.done', { ...at, text, logprobs: [] });
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  send('response.content_part.done', { ...at, part });
  const item = { id, type: 'message', status: 'completed', content: [part], role: 'assistant' };
  send('response.output_item.done', { output_index: outputIndex, item });
  return item;
}

function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
