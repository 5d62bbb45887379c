import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bashCall, closeHookServers, run, toolResult, writeCall } from '../helpers/headless-hooks';
import { hookOn, hooksOf, READ_FIELD, readRecorded, RECORD_INPUT, writeHookScripts } from '../helpers/hook-scripts';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { isAlive, readLine } from '../helpers/processes';

afterEach(closeHookServers);

describe('hooks in a headless run', () => {
  it('blocks a bash call whose PreToolUse hook exits 2, and the model reads the hook\'s stderr', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'guard.sh': `cmd=$(${READ_FIELD('tool_input.command')})\ncase "$cmd" in *rm*) echo "rm is not allowed in this repository" >&2; exit 2;; esac` });
    const { code, nodes, requests } = await run({ cwd, mode: 'yolo', hooks: hookOn('PreToolUse', scripts['guard.sh']!, 'bash'), replies: [bashCall('rm -rf build && touch ran'), { text: 'ok' }] });
    expect(code).toBe(0);
    expect(toolResult(requests[1]!, 'call_1')).toBe('Blocked by a PreToolUse hook: rm is not allowed in this repository');
    expect(existsSync(path.join(cwd, 'ran'))).toBe(false);
    expect(nodes).toContainEqual(expect.objectContaining({ type: 'hook-result', event: 'PreToolUse', status: 'blocked', toolName: 'bash', text: 'rm is not allowed in this repository' }));
    expect(nodes).toContainEqual(expect.objectContaining({ type: 'tool-call-end', toolCallId: 'call_1', status: 'denied' }));
  });

  it('honours hookSpecificOutput.permissionDecision: deny blocks with its reason, allow skips the approval ask mode would need', async () => {
    const cwd = await createTempWorkspace();
    const decide = (decision: string, reason: string) =>
      `cat > /dev/null\necho '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"${decision}","permissionDecisionReason":"${reason}"}}'`;
    const scripts = await writeHookScripts(cwd, { 'deny.sh': decide('deny', 'generated files are read-only'), 'allow.sh': decide('allow', 'notes are fine') });

    const denied = await run({ cwd, mode: 'yolo', hooks: hookOn('PreToolUse', scripts['deny.sh']!, 'Write'), replies: [writeCall('gen.ts', 'x'), { text: 'ok' }] });
    expect(toolResult(denied.requests[1]!, 'call_1')).toBe('Blocked by a PreToolUse hook: generated files are read-only');
    expect(existsSync(path.join(cwd, 'gen.ts'))).toBe(false);

    // Ask mode, headless: nobody can approve, so without the hook the write is denied.
    const withoutHook = await run({ cwd, hooks: {}, replies: [writeCall('notes.md', 'hello'), { text: 'ok' }] });
    expect(toolResult(withoutHook.requests[1]!, 'call_1')).toMatch(/denied/);
    const allowed = await run({ cwd, hooks: hookOn('PreToolUse', scripts['allow.sh']!, 'write_file'), replies: [writeCall('notes.md', 'hello'), { text: 'ok' }] });
    expect(await readFile(path.join(cwd, 'notes.md'), 'utf8')).toBe('hello');
    expect(allowed.nodes.some((node) => node.type === 'approval-request')).toBe(false);
  });

  it('lets a hook allow never override plan mode, nor write a protected file without a person', async () => {
    const cwd = await createTempWorkspace({ '.git/HEAD': 'ref: refs/heads/main\n' });
    const scripts = await writeHookScripts(cwd, { 'allow.sh': `cat > /dev/null\necho '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'` });
    const hooks = hookOn('PreToolUse', scripts['allow.sh']!);
    const protectedWrite = await run({ cwd, hooks, replies: [writeCall('.git/config', '[core]'), { text: 'ok' }] });
    expect(toolResult(protectedWrite.requests[1]!, 'call_1')).toMatch(/protected/);
    expect(existsSync(path.join(cwd, '.git/config'))).toBe(false);
    const planned = await run({ cwd, mode: 'plan', hooks, replies: [writeCall('plan.md', 'x'), { text: 'ok' }] });
    expect(toolResult(planned.requests[1]!, 'call_1')).toMatch(/plan mode/);
    expect(existsSync(path.join(cwd, 'plan.md'))).toBe(false);
  });

  it('asks when a hook answers ask, even in yolo mode (headless: nobody can confirm, so it is denied)', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'ask.sh': `cat > /dev/null\necho '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"touches the release notes"}}'` });
    const { requests } = await run({ cwd, mode: 'yolo', hooks: hookOn('PreToolUse', scripts['ask.sh']!), replies: [writeCall('CHANGES.md', 'x'), { text: 'ok' }] });
    expect(toolResult(requests[1]!, 'call_1')).toMatch(/touches the release notes.*nobody can confirm/);
    expect(existsSync(path.join(cwd, 'CHANGES.md'))).toBe(false);
  });

  it('runs a PostToolUse formatter after write_file: its rewrite is on disk', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'format.sh': `file=$(${READ_FIELD('tool_input.file_path')})\ntr a-z A-Z < "$file" > "$file.tmp" && mv "$file.tmp" "$file"` });
    const { code, nodes } = await run({ cwd, mode: 'yolo', hooks: hookOn('PostToolUse', scripts['format.sh']!, 'Edit|Write'), replies: [writeCall('src/a.ts', 'const a = 1;\n'), { text: 'ok' }] });
    expect(code).toBe(0);
    expect(await readFile(path.join(cwd, 'src/a.ts'), 'utf8')).toBe('CONST A = 1;\n');
    const hookAt = nodes.findIndex((node) => node.type === 'hook-result' && node.event === 'PostToolUse');
    const endAt = nodes.findIndex((node) => node.type === 'tool-call-end');
    expect(hookAt).toBeGreaterThan(-1);
    expect(hookAt).toBeLessThan(endAt);
  });

  it('gives the hook Claude Code\'s input on stdin and an environment without the API key', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'record.sh': 'cat > "$CLAUDE_PROJECT_DIR/input.json"\nenv > "$SHOAL_PROJECT_DIR/env.txt"' });
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-test-secret';
    try {
      await run({ cwd, mode: 'yolo', hooks: hookOn('PostToolUse', scripts['record.sh']!, 'write_file'), replies: [writeCall('a.txt', 'a'), { text: 'ok' }] });
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    const input = JSON.parse(await readFile(path.join(cwd, 'input.json'), 'utf8'));
    expect(input).toMatchObject({
      hook_event_name: 'PostToolUse',
      session_id: 'session-1',
      transcript_path: '/tmp/session-1.jsonl',
      cwd,
      tool_name: 'write_file',
      tool_input: { path: 'a.txt', content: 'a', file_path: path.join(cwd, 'a.txt') },
      tool_use_id: 'call_1',
    });
    expect(input.tool_response.output).toEqual(expect.any(String));
    const env = await readFile(path.join(cwd, 'env.txt'), 'utf8');
    expect(env).not.toMatch(/OPENAI_API_KEY|sk-test-secret/);
    expect(env).toContain(`CLAUDE_PROJECT_DIR=${cwd}\n`);
  });

  it('kills a hook that sleeps past its timeout, names it, and the call still runs', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'slow.sh': 'cat > /dev/null\nsleep 30 &\necho $! > "$CLAUDE_PROJECT_DIR/sleep.pid"\nwait' });
    const started = performance.now();
    const { nodes, err } = await run({ cwd, mode: 'yolo', format: 'text', hooks: hookOn('PreToolUse', scripts['slow.sh']!, 'write_file', 1), replies: [writeCall('a.txt', 'a'), { text: 'ok' }] });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(nodes).toEqual([]);
    expect(err).toContain(`shoal: PreToolUse hook timed out write_file (${scripts['slow.sh']}): timed out after 1 s and was killed`);
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('a');
    const pid = Number(await readLine(path.join(cwd, 'sleep.pid')));
    expect(isAlive(pid)).toBe(false);
  });

  it('does not send a prompt a UserPromptSubmit hook blocks, and tells the user why', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'prompt.sh': `p=$(${READ_FIELD('prompt')})\ncase "$p" in *password*) echo "prompts may not contain secrets" >&2; exit 2;; esac\necho "Branch: main"` });
    const blocked = await run({ cwd, format: 'text', prompt: 'my password is hunter2', hooks: hookOn('UserPromptSubmit', scripts['prompt.sh']!), replies: [{ text: 'never' }] });
    expect(blocked.code).toBe(1);
    expect(blocked.requests).toHaveLength(0);
    expect(blocked.err).toContain('a UserPromptSubmit hook blocked the prompt: prompts may not contain secrets');

    const sent = await run({ cwd, prompt: 'hello', hooks: hookOn('UserPromptSubmit', scripts['prompt.sh']!), replies: [{ text: 'hi' }] });
    expect(sent.code).toBe(0);
    const user = sent.requests[0]!.messages.find((message: { role: string }) => message.role === 'user');
    expect(user.content).toBe('hello\n\n<hook-context>\nBranch: main\n</hook-context>');
  });

  it('keeps the agent going once when a Stop hook exits 2, telling it the hook\'s reason, with stop_hook_active set the second time', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'stop.sh': `active=$(${READ_FIELD('stop_hook_active')})\n[ "$active" = true ] && exit 0\necho "run the tests before you stop" >&2\nexit 2` });
    const hooks = hooksOf([{ event: 'Stop', command: scripts['stop.sh']! }, { event: 'Stop', command: RECORD_INPUT('stop.jsonl') }]);
    const { code, nodes, requests } = await run({ cwd, hooks, replies: [{ text: 'done' }, { text: 'tests pass' }] });
    expect(code).toBe(0);
    // Claude Code's last_assistant_message: the text of the response that would end the turn.
    expect((await readRecorded(cwd, 'stop.jsonl')).map((input) => [input.stop_hook_active, input.last_assistant_message])).toEqual([[false, 'done'], [true, 'tests pass']]);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages.at(-1)).toMatchObject({ role: 'user', content: expect.stringContaining('run the tests before you stop') });
    expect(nodes.filter((node) => node.type === 'hook-result' && node.event === 'Stop').map((node) => (node as { status: string }).status)).toEqual(['blocked', 'ok', 'ok', 'ok']);
    expect(nodes.at(-1)).toMatchObject({ type: 'run-end', reason: 'done', text: 'tests pass' });
  });

  it('stops the agent when a tool hook says continue: false', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'halt.sh': `cat > /dev/null\necho '{"continue": false, "stopReason": "build is broken, fix it by hand"}'` });
    const { nodes, requests } = await run({ cwd, mode: 'yolo', hooks: hookOn('PostToolUse', scripts['halt.sh']!), replies: [writeCall('a.txt', 'a'), { text: 'never' }] });
    expect(requests).toHaveLength(1);
    expect(nodes).toContainEqual(expect.objectContaining({ type: 'hook-result', text: 'build is broken, fix it by hand' }));
    expect(nodes.at(-1)).toMatchObject({ type: 'run-end', reason: 'done' });
  });
});
