import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/models/model';
import { classifyModelError, EmptyResponseError, isContextOverflow } from '../../src/models/model-errors';
import { retryAfterMs, retryDelay } from '../../src/models/retry-policy';
import type { RetryPolicy } from '../../src/models/retry-policy';
import { ofType } from '../helpers/collect';
import { startOpenAIServer, type ServerReply } from '../helpers/openai-server';
import { runTurn } from '../helpers/run-turn';

/**
 * Error bodies as each server really sends them. Sources:
 * - OpenAI: the API reference's error object; `context_length_exceeded` as openai-python surfaces it.
 * - Groq: its OpenAI-compatible errors (`context_length_exceeded`; 413 "Request too large ... (TPM)").
 * - Gemini's OpenAI endpoint: google.rpc.Status inside a JSON array, with RetryInfo
 *   (as seen in google-gemini/gemini-cli#6454's 429 bodies).
 * - Mistral: top-level `message` (langchain-ai/langchain#24668 quotes the tool-call id error);
 *   422 `message.detail[]` (mistralai/client-python#91).
 * - vLLM: `ErrorResponse` in vllm/entrypoints/openai/protocol.py (`object: "error"`, `type: "BadRequestError"`, numeric code).
 * - llama.cpp: tools/server `format_error_response` with `exceed_context_size_error`, `n_prompt_tokens`, `n_ctx`.
 * - Ollama: gin handlers answer `{"error": "<text>"}` (server/routes.go).
 * - OpenRouter: `{error:{message,code,metadata:{raw,provider_name}}}` (its API errors page).
 * - DeepSeek: OpenAI's shape; the reasoning_content message as quoted in continuedev/continue#10193.
 * - LM Studio: `{"error":"..."}` or `{"error":{"message":...}}`; its context overflow wording.
 */
const CASES: { server: string; status: number; body: string; says: string; isOverflow: boolean; contentType?: string }[] = [
  {
    server: 'OpenAI',
    status: 400,
    body: JSON.stringify({
      error: {
        message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    }),
    says: 'maximum context length is 128000 tokens',
    isOverflow: true,
  },
  {
    server: 'Gemini',
    status: 400,
    body: JSON.stringify([
      { error: { code: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } },
    ]),
    says: 'The input token count (1200000) exceeds',
    isOverflow: true,
  },
  {
    server: 'Gemini',
    status: 400,
    body: JSON.stringify([{ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } }]),
    says: 'API key not valid',
    isOverflow: false,
  },
  {
    server: 'Mistral',
    status: 400,
    body: JSON.stringify({
      object: 'error',
      message: 'Tool call id was call_abc123 but must be a-z, A-Z, 0-9, with a length of 9.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    }),
    says: 'Tool call id was call_abc123 but must be a-z, A-Z, 0-9, with a length of 9.',
    isOverflow: false,
  },
  {
    server: 'Mistral',
    status: 422,
    body: JSON.stringify({
      object: 'error',
      message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'tools', 0, 'function', 'required'], msg: 'Extra inputs are not permitted', input: ['content'] }] },
      type: 'invalid_request_error',
      param: null,
      code: null,
    }),
    says: 'body.tools.0.function.required: Extra inputs are not permitted',
    isOverflow: false,
  },
  {
    server: 'Mistral',
    status: 400,
    body: JSON.stringify({
      object: 'error',
      message: 'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length',
      type: 'invalid_request_error',
      param: null,
      code: null,
    }),
    says: 'too large for model with 32768 maximum context length',
    isOverflow: true,
  },
  {
    server: 'vLLM',
    status: 400,
    body: JSON.stringify({
      object: 'error',
      message:
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    }),
    says: 'you requested 5000 tokens',
    isOverflow: true,
  },
  {
    server: 'llama.cpp',
    status: 400,
    body: JSON.stringify({
      error: {
        code: 400,
        message: 'request (4476 tokens) exceeds the available context size (4096 tokens), try increasing it',
        type: 'exceed_context_size_error',
        n_prompt_tokens: 4476,
        n_ctx: 4096,
      },
    }),
    says: 'request (4476 tokens) exceeds the available context size',
    isOverflow: true,
  },
  { server: 'Ollama', status: 500, body: JSON.stringify({ error: 'llama runner process has terminated: signal: killed' }), says: 'llama runner process has terminated', isOverflow: false },
  { server: 'Ollama', status: 400, body: JSON.stringify({ error: 'the input length exceeds the context length' }), says: 'the input length exceeds the context length', isOverflow: true },
  {
    server: 'Groq',
    status: 400,
    body: JSON.stringify({
      error: { message: 'Please reduce the length of the messages or completion.', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
    }),
    says: 'Please reduce the length of the messages or completion.',
    isOverflow: true,
  },
  {
    server: 'Groq',
    status: 413,
    body: JSON.stringify({
      error: {
        message:
          'Request too large for model `llama-3.1-8b-instant` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 9000, please reduce your message size and try again.',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      },
    }),
    says: 'Request too large for model',
    isOverflow: true,
  },
  {
    server: 'OpenRouter',
    status: 400,
    body: JSON.stringify({
      error: {
        message:
          "This endpoint's maximum context length is 131072 tokens. However, you requested about 140000 tokens (140000 of text input). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.",
        code: 400,
        metadata: { provider_name: null },
      },
    }),
    says: "This endpoint's maximum context length is 131072 tokens",
    isOverflow: true,
  },
  {
    server: 'OpenRouter',
    status: 502,
    body: JSON.stringify({
      error: {
        message: 'Provider returned error',
        code: 502,
        metadata: { raw: JSON.stringify({ error: { message: 'upstream connect error' } }), provider_name: 'Chutes' },
      },
    }),
    says: 'Provider returned error (Chutes: upstream connect error)',
    isOverflow: false,
  },
  {
    server: 'DeepSeek',
    status: 400,
    body: JSON.stringify({
      error: {
        message:
          'Missing `reasoning_content` field in the assistant message at message index 2. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      },
    }),
    says: 'Missing `reasoning_content` field',
    isOverflow: false,
  },
  {
    server: 'DeepSeek',
    status: 400,
    body: JSON.stringify({
      error: {
        message:
          "This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (140000 in the messages, 0 in the completion). Please reduce the length of the messages or completion.",
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      },
    }),
    says: 'maximum context length is 131072 tokens',
    isOverflow: true,
  },
  { server: 'LM Studio', status: 400, body: JSON.stringify({ error: 'Model unloaded.' }), says: 'Model unloaded.', isOverflow: false },
  {
    server: 'LM Studio',
    status: 400,
    body: JSON.stringify({
      error: {
        message:
          'Trying to keep the first 5000 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input',
      },
    }),
    says: 'context length of only 4096 tokens',
    isOverflow: true,
  },
  { server: 'a proxy (plain text)', status: 502, body: 'upstream timed out\n', says: 'upstream timed out', isOverflow: false, contentType: 'text/plain' },
  {
    server: 'a proxy (HTML page)',
    status: 502,
    body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    says: '502 with an HTML page, not an API response',
    isOverflow: false,
    contentType: 'text/html',
  },
];

/** One turn of a tool-less agent against a loopback server scripted with `replies`. */
async function runAgainst(replies: ServerReply[], retryPolicy: RetryPolicy = { maxRetries: 0, baseDelayMs: 5, maxDelayMs: 1000 }) {
  const server = await startOpenAIServer(replies);
  const { model, providerOptions } = await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k' });
  const nodes = await runTurn({ model, providerOptions, retryPolicy });
  return { server, nodes, end: ofType(nodes, 'run-end')[0]! };
}

describe('error bodies of every server, over HTTP', () => {
  it.each(CASES)('$server $status: says "$says"', async ({ status, body, says, isOverflow, contentType }) => {
    const { end } = await runAgainst([{ raw: { status, body, headers: contentType ? { 'content-type': contentType } : undefined } }]);
    expect(end.reason).toBe('error');
    expect(end.error).toContain(says);
    expect(end.error).not.toMatch(/<html|<head|Bad Request$|Too Many Requests$/);
    expect(end.errorKind?.kind === 'context-overflow').toBe(isOverflow);
  });

  it('an error chunk inside a 200 stream is read the same way', async () => {
    const { end } = await runAgainst([
      { raw: { status: 200, headers: { 'content-type': 'text/event-stream' }, body: `data: ${JSON.stringify({ error: { message: 'Upstream overloaded', code: 502 } })}\n\n` } },
    ]);
    expect(end.error).toContain(': Upstream overloaded.');
  });
});

describe('isContextOverflow', () => {
  const apiError = (statusCode: number, responseBody: string) =>
    new APICallError({ message: 'Bad Request', url: 'http://x/v1/chat/completions', requestBodyValues: {}, statusCode, responseBody });

  it('reads overflow from the status and the body, and not from a rate limit that mentions size', () => {
    expect(isContextOverflow(apiError(400, CASES[0]!.body))).toBe(true);
    expect(isContextOverflow(apiError(413, ''))).toBe(true);
    expect(isContextOverflow(apiError(429, JSON.stringify({ error: { message: 'Request too large for model on tokens per minute (TPM)' } })))).toBe(false);
    expect(isContextOverflow(apiError(500, JSON.stringify({ error: 'out of memory' })))).toBe(false);
  });

  it('counts an empty response as a likely overflow', () => {
    expect(classifyModelError(new EmptyResponseError())).toEqual({ kind: 'context-overflow', isCertain: false });
  });
});

describe('retry delays a server asks for', () => {
  const gemini429 = (retryDelay: string): ServerReply => ({
    raw: {
      status: 429,
      body: JSON.stringify([
        {
          error: {
            code: 429,
            message: 'You exceeded your current quota, please check your plan and billing details.',
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }],
          },
        },
      ]),
    },
  });

  it("honours Gemini's retryDelay in the body", async () => {
    const { server, nodes, end } = await runAgainst([gemini429('0.2s'), { text: 'ok' }], { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 1000 });
    expect(end).toMatchObject({ reason: 'done', text: 'ok' });
    const [retry] = ofType(nodes, 'step-retry');
    expect(retry).toMatchObject({ delayMs: 200 });
    expect(retry!.reason).toContain('You exceeded your current quota');
    expect(server.requestTimes[1]! - server.requestTimes[0]!).toBeGreaterThanOrEqual(190);
  });

  it('reports instead of waiting when the server asks for longer than the cap', async () => {
    const { nodes, end } = await runAgainst([gemini429('120s'), { text: 'never' }], { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 1000 });
    expect(ofType(nodes, 'step-retry')).toEqual([]);
    expect(end.reason).toBe('error');
    expect(end.error).toContain('asked to wait 120s');
    expect(end.errorKind?.kind).toBe('rate-limit');
  });

  it('reads retry-after in seconds or as a date, and retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'Retry-After': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    const rateLimited = new APICallError({
      message: 'Too Many Requests',
      url: 'http://x',
      requestBodyValues: {},
      statusCode: 429,
      responseHeaders: { 'retry-after': '90' },
      isRetryable: true,
    });
    expect(retryDelay(rateLimited, 1, { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 60_000 })).toBeUndefined();
  });
});
