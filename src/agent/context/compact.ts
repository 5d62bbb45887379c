import type { LanguageModel, ModelMessage } from 'ai';
import type { ModelPrice } from '../../models/prices';
import type { CompactionMethod, CompactionReason, NodeBody, Usage } from '../nodes';
import { compactionThreshold, outputReserve, type ContextBudget } from './budget';
import { clearOldToolOutputs, tailStart } from './prune';
import { compactedMessage, summariseConversation, userMessagesOf } from './summarise';

/** What one compaction needs: the history, the budget it must fit, and the model that summarises. */
export interface CompactOptions {
  messages: readonly ModelMessage[];
  budget: ContextBudget;
  model: LanguageModel;
  instructions: string;
  toolCount: number;
  reason: CompactionReason;
  /** The step the compaction runs before (0 between turns). */
  step: number;
  /** What the user asked to keep (/compact TEXT). */
  focus?: string;
  /** The model's price, when known: the summary's usage then carries its cost, as a step's does. */
  price?: ModelPrice;
  signal: AbortSignal;
}

/** The share of the window the most recent messages keep whole through a compaction. */
const RECENT_SHARE = 0.25;
/** A compaction aims to bring the request under this share of the usable window. */
const TARGET_SHARE = 0.5;
const CHARS_PER_TOKEN = 3.8;

/**
 * Makes a history fit its window again, cheapest first: clear old tool
 * outputs the model has used (marked, so it can read them again), and if that
 * is not enough (or the user asked), summarise the older part with the model,
 * keeping every user message verbatim and the recent messages whole.
 * Yields `compaction-start` and `compaction-end` (with the summary call's
 * usage, when one was made); returns the new history, 'unchanged' when
 * /compact found nothing worth changing, or undefined when nothing could be saved.
 * Contract: never rejects.
 */
export async function* compactHistory(options: CompactOptions): AsyncGenerator<NodeBody, ModelMessage[] | 'unchanged' | undefined> {
  const { budget, messages } = options;
  const window = budget.window().tokens;
  const tokensOf = (list: readonly ModelMessage[]) =>
    budget.estimate({ instructions: options.instructions, messages: list, toolCount: options.toolCount });
  const tokensBefore = tokensOf(messages);
  const target = Math.floor((window - outputReserve(window)) * TARGET_SHARE);
  yield { type: 'compaction-start', step: options.step, reason: options.reason, tokensBefore, window };
  const end = (method: CompactionMethod, result: ModelMessage[] | undefined, error?: string, usage?: Usage): NodeBody => ({
    type: 'compaction-end',
    step: options.step,
    method,
    tokensBefore,
    tokensAfter: result ? tokensOf(result) : tokensBefore,
    ...(error ? { error } : {}),
    ...(usage ? { usage } : {}),
  });

  // Asked for (/compact), it frees what it can: only the latest exchange stays whole.
  const recentTokens = options.reason === 'requested' ? Math.min(window * RECENT_SHARE, tokensBefore * 0.15) : window * RECENT_SHARE;
  const keepFrom = tailStart(messages, Math.floor(recentTokens));
  const cleared = clearOldToolOutputs(messages, keepFrom);
  const clearedTokens = tokensOf(cleared);
  if (clearedTokens <= target && clearedTokens < tokensBefore && options.reason !== 'requested') {
    yield end('cleared-outputs', cleared);
    return cleared;
  }
  if (keepFrom === 0) {
    // Nothing older than the latest step: clear that step's outputs too, the last resort.
    const bare = clearOldToolOutputs(messages, messages.length);
    const isSmaller = tokensOf(bare) < tokensBefore;
    yield end('cleared-outputs', isSmaller ? bare : undefined, isSmaller ? undefined : 'the latest step alone is larger than the window');
    return isSmaller ? bare : undefined;
  }

  const older = messages.slice(0, keepFrom);
  const summary = await summariseConversation({
    model: options.model,
    messages: older,
    maxInputChars: Math.floor((window * 0.6 - 1000) * CHARS_PER_TOKEN),
    focus: options.focus,
    price: options.price,
    signal: options.signal,
  });
  if ('error' in summary) {
    const isSmaller = clearedTokens < tokensBefore;
    yield end('cleared-outputs', isSmaller ? cleared : undefined, `the summary failed: ${summary.error}`, summary.usage);
    return isSmaller ? cleared : undefined;
  }
  const recent = cleared.slice(keepFrom);
  let compacted: ModelMessage[] = [
    compactedMessage({
      userMessages: userMessagesOf(older),
      summary: summary.text,
      maxVerbatimChars: Math.floor(window * 0.15 * CHARS_PER_TOKEN),
    }),
    // Two user messages in a row trip some servers' chat templates.
    ...(recent[0]?.role === 'user' ? [{ role: 'assistant' as const, content: 'Understood; continuing from the summary.' }] : []),
    ...recent,
  ];
  if (tokensOf(compacted) > compactionThreshold(budget)) compacted = clearOldToolOutputs(compacted, compacted.length);
  // A short conversation can come out longer as a summary (/compact early in a session): keep it as it was.
  // Asked for, that is the answer (the same history back); needed, it is a compaction that failed.
  if (tokensOf(compacted) >= tokensBefore) {
    yield end('summary', undefined, 'the conversation is already shorter than a summary of it; nothing was changed', summary.usage);
    return options.reason === 'requested' ? 'unchanged' : undefined;
  }
  yield end('summary', compacted, undefined, summary.usage);
  return compacted;
}
