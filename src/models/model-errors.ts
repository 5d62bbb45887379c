import { APICallError, RetryError } from 'ai';
import { maskUrlsIn } from './mask-url';

/** The message of anything thrown, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/**
 * One sentence a user can act on for a failed model call: which setting to
 * fix for 401/403, which address refused a connection, what the server said.
 * URLs in it are masked (see `maskUrl`).
 */
export function describeModelError(error: unknown): string {
  // Server and fetch messages may quote the URL, credentials and all.
  return maskUrlsIn(describeUnmasked(error));
}

function describeUnmasked(error: unknown): string {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode;
    if (status === 401 || status === 403) {
      return `The model server at ${origin(cause.url)} refused the request (${status}): check the API key (OPENAI_API_KEY) and that it may use this model.`;
    }
    if (status === 404) {
      return `The model server at ${origin(cause.url)} answered 404: check the model name (--model) and the base URL (--base-url).`;
    }
    const connection = connectionProblem(cause.cause);
    if (connection) return `Could not reach the model server at ${origin(cause.url)} (${connection}): check --base-url or OPENAI_BASE_URL.`;
    const attempts = RetryError.isInstance(error) ? ` after ${error.errors.length} attempts` : '';
    return `The model server failed${attempts}${status ? ` (${status})` : ''}: ${serverMessage(cause)}`;
  }
  return `The model call failed: ${errorMessage(cause)}`;
}

function connectionProblem(cause: unknown): string | undefined {
  let current = cause;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: string }).code;
    if (code && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function serverMessage(error: APICallError): string {
  try {
    const body = JSON.parse(error.responseBody ?? '') as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: fall back to the SDK's message.
  }
  return error.message;
}

function origin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/(chat\/completions|responses)$/, '')}`;
  } catch {
    return url;
  }
}
