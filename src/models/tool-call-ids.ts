import { createHash } from 'node:crypto';
import { APICallError } from 'ai';
import { hostOf } from './chat-request';

const PORTABLE_ID = /^[a-zA-Z0-9]{9}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Mistral's models, under their own names or a router's ("mistralai/devstral-small").
const MISTRAL_MODEL = /mi(ni)?stral|devstral|codestral|magistral|pixtral/i;

/** A tool-call id as 9 base62 characters: the same id always maps to the same one, so calls and results stay paired. */
export function portableToolCallId(id: string): string {
  if (PORTABLE_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let portable = '';
  for (let index = 0; index < 9; index++) portable += BASE62[digest[index]! % 62];
  return portable;
}

/** Whether `id` already has the 9-letters-and-digits form every server accepts. */
export function isPortableToolCallId(id: string): boolean {
  return PORTABLE_ID.test(id);
}

/**
 * Whether the server takes only 9-character ids (Mistral's rule, which its own
 * API and every server running a Mistral model through `mistral_common` apply),
 * told by its host or the model's name.
 */
export function requiresPortableIds(options: { baseUrl?: string; modelId: string }): boolean {
  const host = hostOf(options.baseUrl);
  return (host !== undefined && /(^|\.)mistral\.ai$/.test(host)) || MISTRAL_MODEL.test(options.modelId);
}

// Statuses a refusal comes with: 400 and 422 from APIs, 500 from local servers whose tokenizer raises (omlx).
const REFUSAL_STATUSES = new Set([400, 422, 500]);
// The wording servers use, from real reports; each names the id field, so nothing else matches.
const REFUSALS = [
  // Mistral's API and mistral_common (vLLM, omlx), also inside OpenRouter's metadata.raw:
  // "Tool call id was call_0fypS1hVX but must be a-z, A-Z, 0-9, with a length of 9."
  /Tool call id was .* but must be a-z, A-Z, 0-9, with a length of 9/,
  // OpenAI and Azure: "Invalid 'messages[3].tool_calls[0].id': string too long. Expected a string with maximum length 40".
  /(messages\[\d+\]\.tool_calls\[\d+\]\.id|messages\[\d+\]\.tool_call_id|input\[\d*\]\.call_id)'?: string too long/,
  // Anthropic behind a proxy: "messages.5.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'".
  /tool_(use\.id|result\.tool_use_id): String should match pattern/,
];

/** Whether a failed request is a server refusing the format of a tool-call id it was sent (and nothing else). */
export function isToolCallIdRefusal(error: unknown): boolean {
  if (!APICallError.isInstance(error) || !REFUSAL_STATUSES.has(error.statusCode ?? 0)) return false;
  const text = `${error.message}\n${error.responseBody ?? ''}`;
  return REFUSALS.some((pattern) => pattern.test(text));
}
