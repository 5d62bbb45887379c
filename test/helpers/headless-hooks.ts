import { createPolicyApproval, type ApprovalMode } from '../../src/agent/calls/approval';
import type { AgentNode } from '../../src/agent/nodes';
import { runHeadless, type HeadlessOptions } from '../../src/cli/headless';
import type { HooksConfig } from '../../src/hooks/config';
import { createHookRunner } from '../../src/hooks/runner';
import { createModel } from '../../src/models/model';
import { startOpenAIServer, type OpenAIServer, type ServerReply } from './openai-server';
import { captureStreams } from './captured-streams';

const servers: OpenAIServer[] = [];
/** Closes the servers `run` started; call it after each test. */
export async function closeHookServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

/** One headless run against a loopback Chat Completions server, with `hooks` configured; stream-json nodes parsed. */
export async function run(options: { cwd: string; hooks: HooksConfig; replies: ServerReply[]; mode?: ApprovalMode; prompt?: string; format?: HeadlessOptions['outputFormat'] }) {
  const server = await startOpenAIServer(options.replies);
  servers.push(server);
  const { stdout, stderr, written } = captureStreams();
  const hooks = createHookRunner({ hooks: options.hooks, cwd: options.cwd, session: () => ({ sessionId: 'session-1', transcriptPath: '/tmp/session-1.jsonl' }) });
  const code = await runHeadless({
    setup: { cwd: options.cwd, model: (await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k' })).model, hooks },
    isPlanning: options.mode === 'plan',
    prompt: options.prompt ?? 'do it',
    outputFormat: options.format ?? 'stream-json',
    requestApproval: createPolicyApproval({ mode: options.mode ?? 'ask', allowedTools: new Set(), deniedFeedback: 'denied in headless' }),
    signal: new AbortController().signal,
    stdout,
    stderr,
  });
  const { out, err } = written;
  const nodes = (options.format ?? 'stream-json') === 'stream-json' ? out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as AgentNode) : [];
  return { code, out, err, nodes, requests: server.requests };
}

/** What the model was sent as the result of call `id` in the request after it. */
export function toolResult(request: Record<string, any>, id: string): string {
  return request.messages.find((message: { role: string; tool_call_id?: string }) => message.role === 'tool' && message.tool_call_id === id)?.content;
}

/** A reply calling bash once (call_1) with `command`. */
export const bashCall = (command: string): ServerReply => ({ toolCalls: [{ id: 'call_1', name: 'bash', arguments: JSON.stringify({ command }) }] });
/** A reply calling write_file once (call_1). */
export const writeCall = (file: string, content: string): ServerReply => ({ toolCalls: [{ id: 'call_1', name: 'write_file', arguments: JSON.stringify({ path: file, content }) }] });

