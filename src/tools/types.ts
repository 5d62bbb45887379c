import type { JSONSchema7 } from 'ai';
import type { z } from 'zod';
import type { AgentNode, ApprovalDecision, NodeBody, ToolCallInfo } from '../agent/nodes';
import type { FileTracker } from './edit/file-tracker';
import type { WriteJournal } from './edit/write-journal';

/** Which phase a tool's calls run in: research sub-agents, the parallel read batch, or one at a time. */
export type ToolKind = 'research' | 'read-only' | 'write';

/** What `execute` receives beside the validated input. */
export interface ToolExecuteContext {
  /** Aborts when the user interrupts; tools pass it to every child process and stream. */
  signal: AbortSignal;
  toolCallId: string;
  /** Identifies one model response of one agent ("main:3"): the calls a user approved together, which /undo reverts together. */
  batchId: string;
  /**
   * Contract: forwards nodes of nested agents (research sub-agents) into the
   * parent's node stream; may be called any number of times before `execute` settles.
   */
  emit: (node: AgentNode) => void;
  /** Reports a node of the calling agent's own (stamped with its id and the time), e.g. a plan update. */
  report?: (body: NodeBody) => void;
  /**
   * The preview the user (or the approval policy) approved for this call. Write
   * tools refuse with `PreviewChangedError` when the file is no longer what it
   * showed; absent, as in direct calls, nothing is compared.
   */
  approvedPreview?: ApprovalPreview;
  /**
   * How the calling agent's writes are approved, for a tool that runs an agent
   * of its own (a user's agent with write tools): its writes ask the same way.
   */
  approval?: DelegatedApproval;
}

/** A user's agent's own `permissionMode`, carried with each of its calls' approval requests. */
export interface AgentCallMode {
  agent: string;
  mode: 'dont-ask' | 'auto-edit' | 'yolo';
}

/** The calling agent's approval, handed to an agent a tool runs, so its writes and commands ask as the caller's would. */
export interface DelegatedApproval {
  /** Contract: as the loop's `RequestApproval`: settles once per request; `signal` aborts with the run. */
  requestApproval(request: ToolCallInfo & { agentId: string; preview?: ApprovalPreview; agentMode?: AgentCallMode }, signal: AbortSignal): Promise<ApprovalDecision>;
  /** True while plan mode is on: writes and commands end unrun, without asking. */
  isPlanning?: () => boolean;
}

/** A successful tool run: what the model reads and what the UI shows on one line. */
export interface ToolResult {
  /** The text sent back to the model. */
  output: string;
  /** A few words for the tool row, e.g. "214 lines" or "exit 0, 12 lines". */
  summary: string;
  /** Images the model gets after `output` (read_file of a PNG): base64 bytes and their media type. */
  images?: ToolImage[];
}

/** An image in a tool result, as the model is sent it. */
export interface ToolImage {
  mediaType: string;
  /** The bytes, base64-encoded. */
  data: string;
  /** Where it was read from: the workspace path, or the path the user pasted. */
  path: string;
}

/** What a write or command will do, shown to the user before approval. */
export type ApprovalPreview =
  | {
      type: 'diff';
      /** Workspace-relative path of the file that will really change, symlinks resolved. */
      path: string;
      /** The path the model named, when it differs from `path` (it went through a symlink). */
      requestedPath?: string;
      isNewFile: boolean;
      /** A unified diff of exactly the change (`---`/`+++` headers, `@@` hunks). */
      diff: string;
      /** Why this write always asks whatever the approval mode says, e.g. "a git hook runs as a program"; unset for ordinary files. */
      protectedReason?: string;
      /** Opaque fingerprint of the file the diff was computed from; `execute` compares it with the disk before writing. */
      binding?: string;
    }
  | {
      /** An apply_patch call: every file it changes, approved (or denied) together. */
      type: 'patch';
      files: PatchFilePreview[];
      /** Opaque fingerprint of every file the patch reads; `execute` compares it with the disk before writing any. */
      binding?: string;
    }
  | {
      type: 'command';
      command: string;
      cwd: string;
      /** True when the command will run inside the sandbox (no network, read-only outside the workspace, no secrets). */
      isSandboxed: boolean;
    }
  | {
      /** A call of a tool from an MCP server: what is shown is the server, its own tool name and the whole input. */
      type: 'tool-input';
      server: string;
      tool: string;
      input: unknown;
    }
  | {
      type: 'fetch';
      /** The whole URL as it will be requested (parsed, so it is plain ASCII); everything in it reaches `host`. */
      url: string;
      /** The host it goes to, lower case and punycoded: what `a` allows for the session. */
      host: string;
    };

/** One file of a patch preview: what happens to it and the diff of exactly that. */
export interface PatchFilePreview {
  /** Workspace-relative path that will change, symlinks resolved: for a move, its destination. */
  path: string;
  /** The path the patch named, when it differs from `path` (it went through a symlink). */
  requestedPath?: string;
  change: 'create' | 'update' | 'delete' | 'move';
  /** A move's source, deleted once the destination is written. */
  movedFrom?: string;
  /** True when a file already at `path` is replaced whole: an Add File onto it, or a move onto it. */
  replacesExisting?: boolean;
  /** A unified diff (`---`/`+++` headers, `@@` hunks); for a move, from the source's text to the destination's. */
  diff: string;
  added: number;
  removed: number;
  /** Why this file always asks, whatever the approval mode says; unset for ordinary files. */
  protectedReason?: string;
}

/**
 * One tool as shoal executes it. The loop validates input with `inputSchema`
 * before calling `execute`; `execute` throws an `Error` whose message tells the
 * model what to do next when the call cannot succeed.
 */
export interface ShoalTool<Input = any> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  /**
   * The schema the model is shown, when the tool has one ready (an MCP server's);
   * `inputSchema` then only checks the input leniently and the tool's owner validates it.
   */
  jsonSchema?: JSONSchema7;
  kind: ToolKind;
  /**
   * The phase of one call when it depends on the input (web_fetch: a read for
   * an allowed domain, gated otherwise); `kind` when absent or the input is invalid.
   */
  kindOf?(input: Input): ToolKind;
  /**
   * True for a tool that runs an agent whose own writes and commands ask
   * (`research_codebase` with a user's agent): in the write phase the call
   * itself runs without a question, and only what the agent does asks.
   */
  isDelegating?: boolean;
  /** One short line naming what the call acts on, e.g. "src/app.ts" or "grep TODO in src". */
  describe(input: Input): string;
  execute(input: Input, context: ToolExecuteContext): Promise<ToolResult>;
  /** Gated tools: what will change (or be sent), computed without changing or sending anything. */
  preview?(input: Input): Promise<ApprovalPreview>;
}

/** Options every tool factory takes. */
export interface ToolOptions {
  /** Absolute path of the workspace root; every path a tool touches resolves inside it. */
  cwd: string;
  /**
   * What this session's tools have read and written, shared by read_file and the
   * write tools so an edit never overwrites a file changed since it was read.
   * A write tool built without one keeps its own (guarding only its own preview and writes).
   */
  tracker?: FileTracker;
  /** Where the write tools record what they change, for undo; without one nothing is journaled. */
  journal?: WriteJournal;
  /** Read at each call: true when the model in use takes images, so read_file sends an image rather than a note about it. */
  isTakingImages?: () => boolean;
}
