import { createHash } from 'node:crypto';
import { jsonPrefix, walkJson } from './json-walk';
import type { RunEndReason, ToolCallInfo } from '../nodes';

/** Why a response's calls are not run, and how the run ends. */
export interface StepStop {
  reason: RunEndReason;
  /** The run-end message for the user. */
  message: string;
  /** What each call of the response gets back instead of running. */
  callError: string;
}

/** A response cut off mid-stream (`reason`: what the connection or server said): its calls may be incomplete, so none runs. */
export function cutOffStop(reason = 'the connection dropped'): StepStop {
  return {
    reason: 'error',
    message: `The model's response was cut off mid-stream (${reason}). What arrived is kept and none of its calls ran; send another prompt to go on.`,
    callError: 'The response was cut off before it finished, so this call was not run. Make it again if it is still needed.',
  };
}

/** How many responses in a row may repeat one call before the run stops. */
export const REPEAT_LIMIT = 3;

/**
 * Stops a model that loops: when the same call (tool and input) appears in
 * three responses in a row, the run ends and the user is asked to steer.
 * Calls are compared by a hash of their input, so a 4 MB write_file is not
 * kept as a second 4 MB string for three steps.
 */
export function createRepeatGuard(limit = REPEAT_LIMIT): {
  check: (calls: readonly ToolCallInfo[]) => StepStop | undefined;
  /** True when `call` in the next response would make `check` stop it: it must not start before `check` has run. */
  mayRepeat: (call: ToolCallInfo) => boolean;
} {
  const recent: Set<string>[] = [];
  return {
    mayRepeat(call) {
      const previous = recent.slice(-(limit - 1));
      const key = signature(call);
      return previous.length === limit - 1 && previous.every((step) => step.has(key));
    },
    check(calls) {
      const current = new Set(calls.map(signature));
      recent.push(current);
      if (recent.length > limit) recent.shift();
      if (recent.length < limit) return undefined;
      const repeated = calls.find((call) => recent.every((step) => step.has(signature(call))));
      if (!repeated) return undefined;
      const shown = `${repeated.toolName} ${jsonPrefix(repeated.input, PREVIEW_CHARS, { sortKeys: true })}`.slice(0, PREVIEW_CHARS);
      return {
        reason: 'repeated-call',
        message: `The model made the same call ${limit} times in a row (${shown}), so shoal stopped it. Tell it how to go on.`,
        callError: `Not run: this exact call was made ${limit} times in a row. Stop and explain what you are trying to do.`,
      };
    },
  };
}

/** How much of the repeated call the run-end message shows. */
const PREVIEW_CHARS = 120;

/** The tool and a hash of its input with object keys sorted, so the same input always gives the same key. */
function signature(call: ToolCallInfo): string {
  const hash = createHash('sha256');
  walkJson(
    call.input,
    // A string goes in raw behind its length: as unambiguous as JSON, without an escaped copy.
    (piece) => (piece.string === undefined ? hash.update(piece.text) : hash.update(`s${piece.string.length}:`).update(piece.string)),
    { sortKeys: true },
  );
  return `${call.toolName} ${hash.digest('base64')}`;
}
