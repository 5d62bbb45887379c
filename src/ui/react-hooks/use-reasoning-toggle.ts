import { useInput } from 'ink';
import { useState } from 'react';

/** The key that shows the models' reasoning in full, as /help names it. */
export const REASONING_KEY = 'Ctrl+T';

/**
 * Ctrl+T ("thinking") shows reasoning in full, for the live step and every step
 * settled from then on, or folds it to one line again; settled steps keep how
 * they were printed. Contract: `onToggle` hears the new setting, once per press.
 */
export function useReasoningToggle(options: { onToggle?: (isExpanded: boolean) => void } = {}): boolean {
  const [isExpanded, setIsExpanded] = useState(false);
  useInput((input, key) => {
    if (!key.ctrl || input !== 't') return;
    setIsExpanded(!isExpanded);
    options.onToggle?.(!isExpanded);
  });
  return isExpanded;
}
