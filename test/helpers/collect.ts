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

/** One phase panel's calls, in the order they joined it. */
export interface PhaseCalls {
  agentId: string;
  step: number;
  phase: string;
  calls: NodeOf<'phase-start'>['calls'];
}

/**
 * Each phase panel of a node stream with every call that ran in it: the calls its
 * `phase-start` named and those a later `phase-add` joined to it (calls started
 * while their response streamed join their phase one by one).
 */
export function phasesOf(nodes: readonly AgentNode[]): PhaseCalls[] {
  const phases: (PhaseCalls & { isOpen: boolean })[] = [];
  for (const node of nodes) {
    if (node.type === 'phase-start') {
      phases.push({ agentId: node.agentId, step: node.step, phase: node.phase, calls: [...node.calls], isOpen: true });
    } else if (node.type === 'phase-add' || node.type === 'phase-end') {
      const open = phases.findLast((candidate) => candidate.isOpen && candidate.agentId === node.agentId && candidate.step === node.step && candidate.phase === node.phase);
      if (!open) throw new Error(`${node.type} for no open ${node.phase} phase`);
      if (node.type === 'phase-add') open.calls.push(...node.calls);
      else open.isOpen = false;
    }
  }
  return phases.map(({ isOpen: _, ...phase }) => phase);
}
