import type { ModelMessage } from 'ai';
import type { ModelErrorClass } from '../models/model-errors';
import type { ApprovalPreview, ToolKind } from '../tools/types';
import type { HookEventName, HookStatus } from '../hooks/events';

// What a tool shows for approval and which phase it runs in are part of the contract state and the UI read.
export type { ApprovalPreview, ToolKind };
export type { HookEventName, HookStatus };

/** The three execution phases of one model response, in the order they run. */
export type Phase = ToolKind;

/** Why a run ended. */
export type RunEndReason = 'done' | 'aborted' | 'error' | 'step-limit' | 'repeated-call';

/** How one tool call ended; exactly one per call reaches the model. */
export type ToolCallStatus = 'ok' | 'error' | 'denied' | 'cancelled';

/** The user's (or the approval policy's) answer to a write or command. */
export type ApprovalDecision =
  | { type: 'allow' }
  /**
   * Allow this tool without asking for the rest of the session; for bash, only
   * commands starting with `commandPrefix` (never every command); for
   * web_fetch, only the host `domain` (never every site).
   */
  | { type: 'allow-session'; commandPrefix?: string; domain?: string }
  | { type: 'deny'; feedback?: string };

/** Why a history was compacted: it neared the window, the server refused it as too long, or the user asked (/compact). */
export type CompactionReason = 'threshold' | 'overflow' | 'requested';

/** How a compaction saved room: old tool outputs cleared, or the older messages summarised by the model. */
export type CompactionMethod = 'cleared-outputs' | 'summary';

/** Token counts, summed where a node covers several model calls. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the server read from its prompt cache (part of `inputTokens`); absent in older nodes. */
  cachedInputTokens?: number;
  /** Output tokens spent reasoning (part of `outputTokens`). */
  reasoningTokens?: number;
  /** What the tokens cost in US dollars; absent when the model's price is unknown. */
  costUsd?: number;
  /** On a sum: some call in it had no known price, so the sum has no cost rather than too low a one. */
  hasUnpricedCall?: boolean;
}

/** One step of the model's plan (`update_plan`, Codex's schema). */
export interface PlanStep {
  step: string;
  status: 'pending' | 'in_progress' | 'completed';
}

/** A tool call as the model made it. */
export interface ToolCallInfo {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/**
 * Fields every node carries. `agentId` is "main" for the top-level agent; a
 * research sub-agent's nodes carry its own id and the id of the
 * `research_codebase` call that spawned it, so consumers can nest them.
 */
export interface NodeBase {
  agentId: string;
  parentToolCallId?: string;
  /** Milliseconds since the epoch (with sub-millisecond precision) when the node was made. */
  time: number;
}

export type AgentNode = NodeBase &
  (
    | { type: 'run-start'; modelId: string; maxSteps: number }
    /** `text` is the last step's text; `errorKind` classifies a model failure (a context overflow is what compaction acts on). */
    | { type: 'run-end'; reason: RunEndReason; text: string; usage: Usage; steps: number; error?: string; errorKind?: ModelErrorClass }
    | { type: 'step-start'; step: number }
    | {
        type: 'step-end';
        step: number;
        finishReason: string;
        usage: Usage;
        toolCalls: number;
        durationMs: number;
        /** How long calls started while this response streamed ran before it ended: time the overlap saved. */
        overlapMs?: number;
      }
    /**
     * What this step's response has shown so far is void: it was cut or failed mid-stream and is
     * asked again. Its text, reasoning and the calls it started are dropped; `reason` says why.
     */
    | { type: 'response-discard'; step: number; reason: string }
    /** The agent's plan as it now stands (the whole plan, from `update_plan`), shown at the step that changed it. */
    | { type: 'plan-update'; plan: PlanStep[]; explanation?: string }
    /** Something the model client did that the user should know, e.g. retrying with other tool-call ids. */
    | { type: 'step-notice'; step: number; text: string }
    /** A model call failed in a way worth retrying; shoal waits `delayMs` and tries again. */
    | { type: 'step-retry'; step: number; attempt: number; maxRetries: number; delayMs: number; reason: string }
    | { type: 'text-delta'; step: number; text: string }
    | { type: 'reasoning-delta'; step: number; text: string }
    /** `calls` carry a one-line description each (e.g. the path a read acts on) for the UI. */
    | { type: 'phase-start'; step: number; phase: Phase; calls: (ToolCallInfo & { description: string })[] }
    /** Calls that join the step's open phase of that kind: calls started while the response still streams. */
    | { type: 'phase-add'; step: number; phase: Phase; calls: (ToolCallInfo & { description: string })[] }
    | { type: 'phase-end'; step: number; phase: Phase; durationMs: number }
    | ({ type: 'tool-call-start'; step: number; phase: Phase; description: string } & ToolCallInfo)
    | {
        type: 'tool-call-end';
        step: number;
        toolCallId: string;
        toolName: string;
        status: ToolCallStatus;
        durationMs: number;
        /** One short line for the UI, e.g. "214 lines" or the error's first line. */
        summary: string;
        /** What the model receives (already capped by the tool). */
        output: string;
      }
    /** A call the model made that cannot run (unknown tool, broken JSON, wrong input); answered with `error`. */
    | ({ type: 'tool-call-invalid'; step: number; error: string } & ToolCallInfo)
    /** `askedAgainBecause`: the call was approved once, but its file changed before the write, so it is shown afresh. */
    | ({ type: 'approval-request'; step: number; preview?: ApprovalPreview; askedAgainBecause?: string } & ToolCallInfo)
    | { type: 'approval-resolve'; step: number; toolCallId: string; decision: ApprovalDecision }
    /** Messages to append to the conversation: a step's assistant message and its tool results. */
    | { type: 'history-append'; messages: ModelMessage[] }
    /** How much of the model's window the next request takes (estimated, calibrated by the server's counts). */
    | { type: 'context-size'; step: number; tokens: number; window: number }
    /** `step`: the step the compaction runs before (0 for /compact between turns). */
    | { type: 'compaction-start'; step: number; reason: CompactionReason; tokensBefore: number; window: number }
    /**
     * `method`: old tool outputs cleared, or older messages summarised; `error` when it fell short.
     * `usage`: the summary's model call, when one was made and the server counted it (a failed one too).
     */
    | { type: 'compaction-end'; step: number; method: CompactionMethod; tokensBefore: number; tokensAfter: number; error?: string; usage?: Usage }
    /**
     * A message the user sent while the run worked, delivered after `step`'s tool results; the run
     * has appended `{ role: 'user', content: text }` to its history, and consumers keeping one do the same.
     */
    | { type: 'user-message'; step: number; text: string }
    /** The whole conversation replaced by its compacted form; what the next request sends. */
    | { type: 'history-replace'; messages: ModelMessage[] }
    /**
     * One hook that ran (src/hooks), shown dim: `status` ok, blocked, error or timeout (killed), and
     * `text`, what it said to the user ("" for nothing). Hooks around a call carry its step and id;
     * hooks outside a run (UserPromptSubmit, SessionStart, Notification) carry neither.
     */
    | { type: 'hook-result'; event: HookEventName; command: string; status: HookStatus; text: string; step?: number; toolCallId?: string; toolName?: string }
  );

/** One node type's full shape, e.g. `NodeOf<'tool-call-end'>`. */
export type NodeOf<T extends AgentNode['type']> = Extract<AgentNode, { type: T }>;

/** Distributes `Omit` over the union so each member keeps its own fields. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A node before the loop stamps it with agent id, parent and time. */
export type NodeBody = DistributiveOmit<AgentNode, keyof NodeBase>;
