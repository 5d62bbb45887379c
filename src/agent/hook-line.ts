import type { NodeOf } from './nodes';

const HOOK_VERBS: Record<NodeOf<'hook-result'>['status'], string> = { ok: 'ran', blocked: 'blocked', error: 'failed', timeout: 'timed out' };
// A hook may print a page; the transcript keeps its start.
const MAX_HOOK_TEXT = 600;

/** A hook run as one line for the transcript and headless stderr, e.g. "PreToolUse hook blocked bash (./guard.sh): no rm -rf". */
export function hookLine(node: Pick<NodeOf<'hook-result'>, 'event' | 'command' | 'status' | 'text' | 'toolName'>): string {
  const what = node.toolName ? ` ${node.toolName}` : '';
  const text = node.text.length > MAX_HOOK_TEXT ? `${node.text.slice(0, MAX_HOOK_TEXT)}…` : node.text;
  return `${node.event} hook ${HOOK_VERBS[node.status]}${what} (${node.command})${text ? `: ${text}` : ''}`;
}
