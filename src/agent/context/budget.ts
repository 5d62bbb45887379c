import type { ModelMessage } from 'ai';
import type { ContextWindow } from '../../models/context-window';
import { estimateMessagesTokens, estimateTextTokens } from './estimate';

/** The share of the window at which a session compacts, unless the `compactAt` setting says otherwise. */
export const DEFAULT_COMPACT_AT = 0.8;

/**
 * How much of a model's window a conversation may use, and how close the
 * estimate runs to the server's own count. One per session (the main agent)
 * or per research agent; it learns from every response's usage.
 */
export interface ContextBudget {
  /** The window now: it may grow from a default once the server has been asked. */
  window: () => ContextWindow;
  /** Compact when a request would take more than this share of the usable window. */
  compactAt: number;
  /** Tokens a request of these messages would take, as the server would count them. */
  estimate: (request: { instructions: string; messages: readonly ModelMessage[]; toolCount: number }) => number;
  /** Teaches the estimate the server's count for a request it estimated at `estimated` tokens. */
  observe: (estimated: number, inputTokens: number) => void;
  /** The server refused a request of `estimated` tokens as too long: the real window is smaller than that. */
  observeOverflow: (estimated: number) => void;
}

/** Tokens kept free for the model's answer: a fifth of the window, at most 16k. */
export function outputReserve(window: number): number {
  return Math.min(16_384, Math.floor(window * 0.2));
}

/** The most tokens a request may take before it compacts. */
export function compactionThreshold(budget: ContextBudget): number {
  const window = budget.window().tokens;
  return Math.floor((window - outputReserve(window)) * budget.compactAt);
}

/** A budget for `window` (a fixed number, or a getter for one that may change). */
export function createContextBudget(options: { window: ContextWindow | (() => ContextWindow); compactAt?: number }): ContextBudget {
  const { window } = options;
  // The server's count divided by ours, from the last response that reported usage.
  let calibration = 1;
  // Learnt from a refusal: a server's real window can be smaller than any table or probe said.
  let ceiling = Number.POSITIVE_INFINITY;
  const windowOf = typeof window === 'function' ? window : () => window;
  return {
    window: () => {
      const current = windowOf();
      return current.tokens <= ceiling ? current : { tokens: ceiling, source: 'learnt from the server refusing a longer request', isKnown: true };
    },
    compactAt: options.compactAt ?? DEFAULT_COMPACT_AT,
    estimate({ instructions, messages, toolCount }) {
      // A tool's name, description and JSON schema: a few hundred tokens each.
      const raw = estimateTextTokens(instructions) + toolCount * 250 + estimateMessagesTokens(messages);
      return Math.ceil(raw * calibration);
    },
    observe(estimated, inputTokens) {
      if (inputTokens <= 0 || estimated <= 0) return;
      // A count far from the estimate is a server counting something else (cached tokens apart, or none
      // at all): trusting it would let the history overflow. Within reason, follow the server.
      const ratio = inputTokens / estimated;
      if (ratio < 0.4 || ratio > 2.5) return;
      calibration = Math.min(2.5, Math.max(0.6, ratio * calibration));
    },
    observeOverflow(estimated) {
      ceiling = Math.min(ceiling, Math.max(1024, Math.floor(estimated * 0.9)));
    },
  };
}
