/** Tool call ids are unique per agent, not per turn: key calls by both. */
export function callKey(agentId: string, toolCallId: string): string {
  return `${agentId}\u0000${toolCallId}`;
}
