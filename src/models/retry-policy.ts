import { APICallError, RetryError } from 'ai';
import { isBrokenStream, serverErrorOf } from './model-errors';

/** How failed model calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (so `maxRetries + 1` attempts in all). */
  maxRetries: number;
  /** The first backoff; each retry doubles it. */
  baseDelayMs: number;
  /** Longest wait shoal accepts, from backoff or a server's retry-after. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * How long to wait before retrying `error` (attempt is 1 for the first retry),
 * or undefined when it should not be retried: rate limits (429), server errors
 * (5xx), dropped connections, stalled streams and streams cut mid-response are retried, honouring the
 * server's requested delay up to `maxDelayMs` (past it, report instead of waiting);
 * a refused connection, a bad key or a bad request is not.
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt > policy.maxRetries) return undefined;
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (isBrokenStream(cause)) return backoff;
  if (!APICallError.isInstance(cause)) return undefined;
  if (cause.statusCode === undefined) {
    if (hasCode(cause.cause, /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)$/)) return undefined;
  } else if (!cause.isRetryable) {
    return undefined;
  }
  const asked = askedRetryDelayMs(cause);
  if (asked !== undefined) return asked <= policy.maxDelayMs ? asked : undefined;
  return backoff;
}

/** The wait a failed call's server asked for: its headers, else Gemini's `retryDelay` in the body. */
export function askedRetryDelayMs(error: unknown): number | undefined {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (!APICallError.isInstance(cause)) return undefined;
  return retryAfterMs(cause.responseHeaders) ?? serverErrorOf(cause)?.retryDelayMs;
}

/** The wait a server asked for, from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
  const milliseconds = Number(lower['retry-after-ms']);
  if (lower['retry-after-ms'] !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = lower['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function hasCode(error: unknown, pattern: RegExp): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: string }).code;
    if (code && pattern.test(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
