import type { AgentNode } from './nodes';

/**
 * Runs `work`, which may push nodes from many concurrent tasks, and yields those
 * nodes in the order they were pushed while it runs; returns what `work` returns.
 * This is how parallel tools and sub-agents report into one ordered stream.
 * Contract: never rejects unless `work` rejects.
 */
export async function* drainWhile<T>(
  work: (push: (node: AgentNode) => void) => Promise<T>,
): AsyncGenerator<AgentNode, T> {
  const queue: AgentNode[] = [];
  let wake: (() => void) | undefined;
  const push = (node: AgentNode) => {
    queue.push(node);
    wake?.();
  };
  let isSettled = false;
  const settled = work(push).finally(() => {
    isSettled = true;
    wake?.();
  });
  // Keep an unhandled rejection from firing before we await `settled` below.
  settled.catch(() => {});

  for (;;) {
    while (queue.length > 0) yield queue.shift()!;
    if (isSettled) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  return settled;
}
