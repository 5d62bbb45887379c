import type { Phase } from '../agent/nodes';
import type { CallStatus } from '../state/types';

/** "12 ms", "1.4 s", "2m 05s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

/** "1,234" style token counts, "12.3k" past ten thousand. */
export function formatTokens(count: number): string {
  return count >= 10_000 ? `${(count / 1000).toFixed(1)}k` : count.toLocaleString('en-US');
}

/** The mark and colour of a finished call's status. */
export const STATUS_STYLE: Record<Exclude<CallStatus, 'queued' | 'running' | 'awaiting-approval'>, { mark: string; color: string }> = {
  done: { mark: '✓', color: 'green' },
  error: { mark: '✗', color: 'red' },
  denied: { mark: '⊘', color: 'yellow' },
  cancelled: { mark: '◌', color: 'gray' },
};

/** The panel title of each phase. */
export const PHASE_TITLE: Record<Phase, string> = {
  research: 'Research',
  'read-only': 'Read-only batch',
  write: 'Write and execute',
};

/** The share (percent) of a request's input its server read from the prompt cache. */
export function cacheShare(cache: { inputTokens: number; cachedInputTokens: number }): number {
  return Math.min(100, Math.round((100 * cache.cachedInputTokens) / cache.inputTokens));
}
