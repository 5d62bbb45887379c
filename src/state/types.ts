import type { ApprovalDecision, ApprovalPreview, CompactionMethod, CompactionReason, Phase, PlanStep, RunEndReason, Usage } from '../agent/nodes';

/** A tool call's life: queued -> awaiting-approval -> running -> done | error | denied | cancelled. */
export type CallStatus = 'queued' | 'awaiting-approval' | 'running' | 'done' | 'error' | 'denied' | 'cancelled';

/** One tool call as the UI shows it. */
export interface CallView {
  key: string;
  toolCallId: string;
  toolName: string;
  agentId: string;
  /** The call's input, held only while it awaits approval: the prompt shows it when there is no preview. */
  input?: unknown;
  /** `undefined` for invalid calls, which run in no phase. */
  phase?: Phase;
  step: number;
  status: CallStatus;
  description: string;
  summary?: string;
  startedAt?: number;
  durationMs?: number;
  /** What the approval prompt shows, held only while the call awaits approval. */
  preview?: ApprovalPreview;
  /** Set when the call is shown again because its file changed after it was approved. */
  askedAgainBecause?: string;
  decision?: ApprovalDecision;
  /** For `research_codebase`: the sub-agent it started. */
  childAgentId?: string;
}

/** One phase of one model response. */
export interface PhaseView {
  phase: Phase;
  /** Ids into the step's `calls`, in the model's order. */
  toolCallIds: string[];
  startedAt: number;
  durationMs?: number;
}

/** One model step: what it said, and the phases its calls ran in. */
export interface StepView {
  step: number;
  text: string;
  reasoning: string;
  /** When the first and the latest reasoning arrived: how long the model thought. */
  reasoningSpan?: { startedAt: number; lastAt: number };
  phases: PhaseView[];
  /**
   * The step's calls by id. They live with their step, not their turn, so an
   * update copies one response's calls, not a whole long turn's.
   */
  calls: Record<string, CallView>;
  invalidCallIds: string[];
  startedAt: number;
  durationMs?: number;
  finishReason?: string;
  /** The compaction that ran before this step's model call (a /compact run has only this, in step 0). */
  compaction?: CompactionView;
  /** Messages the user sent while the turn ran, delivered to the model after this step's tool results. */
  userMessages?: string[];
  /** How long calls started while the response streamed ran before it ended (time the overlap saved). */
  overlapMs?: number;
  /** The plan as this step's `update_plan` left it. */
  plan?: { steps: PlanStep[]; explanation?: string };
  /** Lines about the model call itself, e.g. that it was retried with other tool-call ids. */
  notices?: string[];
  /** Set while shoal waits to retry a failed model call; cleared when the call streams. */
  retry?: { attempt: number; maxRetries: number; delayMs: number; reason: string; since: number };
}

/** One compaction of an agent's history, shown as its own panel at the top of the step it ran before. */
export interface CompactionView {
  reason: CompactionReason;
  tokensBefore: number;
  window: number;
  startedAt: number;
  /** Set when it ended. */
  method?: CompactionMethod;
  tokensAfter?: number;
  durationMs?: number;
  error?: string;
}

/** One agent (the main one, or a research sub-agent) within a turn. */
export interface AgentView {
  agentId: string;
  parentToolCallId?: string;
  modelId: string;
  steps: StepView[];
  status: 'running' | RunEndReason;
  error?: string;
  startedAt: number;
  endedAt?: number;
}

/** A user prompt and everything the agents did for it. */
export interface TurnView {
  id: number;
  prompt: string;
  /** "main" and every sub-agent spawned in this turn. */
  agents: Record<string, AgentView>;
  status: 'running' | RunEndReason;
  usage: Usage;
  startedAt: number;
  endedAt?: number;
}

/** A line from shoal itself in the transcript: command output, hints, errors. */
export interface NoticeView {
  id: number;
  text: string;
  /** `prompt` and `markdown` retell a resumed conversation. */
  tone: 'info' | 'error' | 'prompt' | 'markdown';
}

/** Everything the UI renders from. */
export interface SessionState {
  turns: TurnView[];
  notices: NoticeView[];
  /** Turns and notices share one id sequence, which orders the transcript. */
  nextId: number;
  usage: Usage;
  /** How full the main agent's context window is, as of its latest request. */
  context?: { tokens: number; window: number };
  /** The main agent's latest request whose server counted cached input: how much of its input the cache served. */
  lastCache?: { inputTokens: number; cachedInputTokens: number };
  /** Nodes the reducer refused (impossible transitions), newest last; shown as error rows. */
  problems: string[];
}

/** Events the UI adds to the node stream. */
export type UiEvent =
  | { type: 'turn-start'; prompt: string; time: number }
  | { type: 'notice'; text: string; tone?: NoticeView['tone'] }
  | { type: 'session-clear' };
