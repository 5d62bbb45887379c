import type { ModelMessage } from 'ai';
import { runAgent, type RunAgentOptions } from '../../src/agent/loop';
import { createRegistry } from '../../src/tools/registry';
import { collect } from './collect';

/**
 * One agent turn with test defaults (no tools, one "hi", every call allowed),
 * collected into its nodes; pass only what a test is about.
 */
export function runTurn(options: Pick<RunAgentOptions, 'model'> & Partial<Omit<RunAgentOptions, 'model'>> & { messages?: readonly ModelMessage[] }) {
  return collect(
    runAgent({
      instructions: 'x',
      messages: [{ role: 'user', content: 'hi' }],
      tools: createRegistry([]),
      signal: new AbortController().signal,
      requestApproval: async () => ({ type: 'allow' }),
      ...options,
    }),
  );
}
