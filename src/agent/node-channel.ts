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

/** Nodes from work that outlives one `drainWhile` (calls started while a response streams). */
export interface NodeRelay {
  /** Forwards a node into the drain running now, or holds it for the next one. */
  push(node: AgentNode): void;
  /** `drainWhile(work)`, first yielding what was held since the last drain. */
  drain<T>(work: (push: (node: AgentNode) => void) => Promise<T>): AsyncGenerator<AgentNode, T>;
}

export function createNodeRelay(): NodeRelay {
  let sink: ((node: AgentNode) => void) | undefined;
  const held: AgentNode[] = [];
  return {
    push(node) {
      if (sink) sink(node);
      else held.push(node);
    },
    drain(work) {
      return drainWhile((push) => {
        sink = push;
        for (const node of held.splice(0)) push(node);
        return work(push).finally(() => {
          sink = undefined;
        });
      });
    },
  };
}
