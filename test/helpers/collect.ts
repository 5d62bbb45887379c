import type { AgentNode, NodeOf } from '../../src/agent/nodes';

/** Drains a node stream into an array. */
export async function collect(nodes: AsyncIterable<AgentNode>): Promise<AgentNode[]> {
  const all: AgentNode[] = [];
  for await (const node of nodes) all.push(node);
  return all;
}

/** The nodes of one type, typed. */
export function ofType<T extends AgentNode['type']>(nodes: readonly AgentNode[], type: T): NodeOf<T>[] {
  return nodes.filter((node): node is NodeOf<T> => node.type === type);
}
