import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentNode } from '../../src/agent/nodes';
import { bashCall, closeHookServers, run, toolResult, writeCall } from '../helpers/headless-hooks';
import { hookOn, writeHookScripts } from '../helpers/hook-scripts';
import { createTempWorkspace } from '../helpers/temp-workspace';

afterEach(closeHookServers);

/** A PreToolUse hook script printing `output` as its JSON answer. */
const answering = (output: unknown) => `cat > /dev/null\nprintf '%s\\n' '${JSON.stringify(output)}'`;

/** The arguments of call `id` as the model's own message holds them in the request after it. */
function calledWith(request: Record<string, any>, id: string): unknown {
  const call = request.messages.flatMap((message: { tool_calls?: { id: string; function: { arguments: string } }[] }) => message.tool_calls ?? []).find((found: { id: string }) => found.id === id);
  return JSON.parse(call.function.arguments);
}

const started = (nodes: AgentNode[]) => nodes.filter((node) => node.type === 'tool-call-start');

describe('PreToolUse updatedInput', () => {
  it('runs the command the hook rewrote, with its allow and without asking; the model and stream-json see the rewritten input', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, {
      'rewrite.sh': answering({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { command: 'echo rewritten' } } }),
    });
    // Ask mode would deny a command headless: the hook's allow is what lets it run.
    const { code, nodes, requests } = await run({ cwd, hooks: hookOn('PreToolUse', scripts['rewrite.sh']!, 'Bash'), replies: [bashCall('echo original && touch ran'), { text: 'ok' }] });
    expect(code).toBe(0);
    expect(toolResult(requests[1]!, 'call_1')).toContain('rewritten');
    expect(toolResult(requests[1]!, 'call_1')).not.toContain('original');
    expect(existsSync(path.join(cwd, 'ran'))).toBe(false);
    expect(calledWith(requests[1]!, 'call_1')).toEqual({ command: 'echo rewritten' });
    expect(started(nodes)).toEqual([expect.objectContaining({ toolCallId: 'call_1', input: { command: 'echo rewritten' } })]);
  });

  it("writes where the hook's file_path points, inside the workspace, without a permissionDecision", async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, {
      'redirect.sh': `cat > /dev/null\nprintf '{"hookSpecificOutput":{"hookEventName":"PreToolUse","updatedInput":{"file_path":"%s/notes/other.txt","content":"redirected\\\\n"}}}\\n' "$CLAUDE_PROJECT_DIR"`,
    });
    const { code, nodes, requests } = await run({ cwd, mode: 'yolo', hooks: hookOn('PreToolUse', scripts['redirect.sh']!, 'Write'), replies: [writeCall('a.txt', 'original\n'), { text: 'ok' }] });
    expect(code).toBe(0);
    expect(await readFile(path.join(cwd, 'notes/other.txt'), 'utf8')).toBe('redirected\n');
    expect(existsSync(path.join(cwd, 'a.txt'))).toBe(false);
    expect(calledWith(requests[1]!, 'call_1')).toEqual({ path: path.join('notes', 'other.txt'), content: 'redirected\n' });
    expect(nodes).toContainEqual(expect.objectContaining({ type: 'tool-call-end', toolCallId: 'call_1', status: 'ok' }));
  });

  it("fails a write whose hook points file_path outside the workspace: the tool's confinement refuses it", async () => {
    const cwd = await createTempWorkspace();
    const outside = await createTempWorkspace();
    const target = path.join(outside, 'escaped.txt');
    const scripts = await writeHookScripts(cwd, {
      'escape.sh': answering({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { file_path: target, content: 'x\n' } } }),
    });
    const { nodes, requests } = await run({ cwd, mode: 'yolo', hooks: hookOn('PreToolUse', scripts['escape.sh']!, 'write_file'), replies: [writeCall('a.txt', 'original\n'), { text: 'ok' }] });
    expect(existsSync(target)).toBe(false);
    expect(existsSync(path.join(cwd, 'a.txt'))).toBe(false);
    expect(nodes).toContainEqual(expect.objectContaining({ type: 'tool-call-end', toolCallId: 'call_1', status: 'error' }));
    expect(toolResult(requests[1]!, 'call_1')).toMatch(/outside|workspace/i);
  });

  it('fails the call with one line naming the hook when updatedInput is not an object, or not an input the tool takes', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, {
      'text.sh': answering({ hookSpecificOutput: { hookEventName: 'PreToolUse', updatedInput: 'echo hi' } }),
      'number.sh': answering({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { command: 5 } } }),
    });
    for (const [name, expected] of [
      ['text.sh', /^The PreToolUse hook `.*text\.sh` gave an updatedInput that is not an object \(got "echo hi"\); the call was not run\.$/],
      ['number.sh', /^The PreToolUse hook `.*number\.sh` gave an input bash does not take \(command: .*\); the call was not run\.$/],
    ] as const) {
      const { nodes, requests } = await run({ cwd, mode: 'yolo', hooks: hookOn('PreToolUse', scripts[name]!, 'bash'), replies: [bashCall('touch ran'), { text: 'ok' }] });
      expect(existsSync(path.join(cwd, 'ran'))).toBe(false);
      const end = nodes.find((node) => node.type === 'tool-call-end');
      expect(end).toMatchObject({ status: 'error' });
      expect(toolResult(requests[1]!, 'call_1')).toMatch(expected);
      expect(toolResult(requests[1]!, 'call_1')).not.toContain('\n');
      expect(calledWith(requests[1]!, 'call_1')).toEqual({ command: 'touch ran' });
    }
  });
});
