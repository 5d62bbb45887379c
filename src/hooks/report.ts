import type { NodeBody, NodeOf } from '../agent/nodes';
import type { HookOutcome } from './runner';

/** Where a hook ran: around a call (its step and id), or outside any run. */
export type HookPlace = Pick<NodeOf<'hook-result'>, 'step' | 'toolCallId' | 'toolName'>;

/** One `hook-result` node body per hook that ran, for the transcript and stream-json. */
export function hookResultBodies(outcome: HookOutcome, place: HookPlace = {}): NodeBody[] {
  return outcome.verdicts.map((verdict) => ({
    type: 'hook-result',
    event: verdict.event,
    command: verdict.command,
    status: verdict.status,
    text: verdict.display,
    ...place,
  }));
}
