import { describe, expect, it } from 'vitest';
import { readVerdict } from '../../src/hooks/verdict';
import type { CommandRun } from '../../src/hooks/run-command';

const ran = (fields: Partial<CommandRun>): CommandRun => ({ exitCode: 0, stdout: '', stderr: '', isTimedOut: false, durationMs: 5, ...fields });

describe('readVerdict', () => {
  it('blocks on exit 2 with stderr as the reason, and ignores JSON on stdout then', () => {
    const verdict = readVerdict('PreToolUse', 'guard', ran({ exitCode: 2, stderr: 'no rm\n', stdout: '{"hookSpecificOutput":{"permissionDecision":"allow"}}' }), 60);
    expect(verdict).toMatchObject({ status: 'blocked', permission: 'deny', reason: 'no rm' });
  });

  it('shows another non-zero exit as a non-blocking error', () => {
    expect(readVerdict('PostToolUse', 'fmt', ran({ exitCode: 1, stderr: 'prettier: not found' }), 60)).toEqual({
      event: 'PostToolUse',
      command: 'fmt',
      status: 'error',
      display: 'exit 1: prettier: not found',
    });
  });

  it('does not let exit 2 block events Claude Code never blocks on', () => {
    expect(readVerdict('SessionStart', 'x', ran({ exitCode: 2, stderr: 'oops' }), 60)).toMatchObject({ status: 'error', display: 'exit 2: oops' });
  });

  it('reads hookSpecificOutput for PreToolUse: allow, ask and deny with their reason', () => {
    const json = (decision: string) => JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: 'because' } });
    expect(readVerdict('PreToolUse', 'x', ran({ stdout: json('allow') }), 60)).toMatchObject({ status: 'ok', permission: 'allow', reason: 'because' });
    expect(readVerdict('PreToolUse', 'x', ran({ stdout: json('ask') }), 60)).toMatchObject({ status: 'ok', permission: 'ask', reason: 'because' });
    expect(readVerdict('PreToolUse', 'x', ran({ stdout: json('deny') }), 60)).toMatchObject({ status: 'blocked', permission: 'deny', reason: 'because' });
  });

  it('reads the older top-level decision: approve allows, block denies with its reason', () => {
    expect(readVerdict('PreToolUse', 'x', ran({ stdout: '{"decision":"approve","reason":"fine"}' }), 60)).toMatchObject({ permission: 'allow', reason: 'fine' });
    expect(readVerdict('PreToolUse', 'x', ran({ stdout: '{"decision":"block","reason":"no"}' }), 60)).toMatchObject({ status: 'blocked', permission: 'deny', reason: 'no' });
    expect(readVerdict('Stop', 'x', ran({ stdout: '{"decision":"block","reason":"tests fail"}' }), 60)).toMatchObject({ status: 'blocked', reason: 'tests fail' });
  });

  it('reads continue: false with stopReason, systemMessage, and hides stdout under suppressOutput', () => {
    expect(readVerdict('PostToolUse', 'x', ran({ stdout: '{"continue":false,"stopReason":"halt"}' }), 60)).toMatchObject({ stopReason: 'halt', display: 'halt' });
    expect(readVerdict('PostToolUse', 'x', ran({ stdout: '{"systemMessage":"formatted 3 files"}' }), 60)).toMatchObject({ status: 'ok', display: 'formatted 3 files' });
    expect(readVerdict('PostToolUse', 'x', ran({ stdout: '{"suppressOutput":true,"systemMessage":"hidden"}' }), 60)).toMatchObject({ display: '' });
  });

  it('turns plain stdout into context for UserPromptSubmit and SessionStart, and additionalContext for any event', () => {
    expect(readVerdict('UserPromptSubmit', 'x', ran({ stdout: 'branch: main\n' }), 60)).toMatchObject({ context: 'branch: main', display: '' });
    expect(readVerdict('PostToolUse', 'x', ran({ stdout: 'formatted\n' }), 60)).toEqual(expect.not.objectContaining({ context: expect.anything() }));
    const json = JSON.stringify({ hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: 'lint: 2 warnings' } });
    expect(readVerdict('PostToolUse', 'x', ran({ stdout: json }), 60)).toMatchObject({ context: 'lint: 2 warnings' });
  });

  it('names a timeout and a command that could not start', () => {
    expect(readVerdict('Stop', 'slow', ran({ exitCode: null, isTimedOut: true }), 5)).toMatchObject({ status: 'timeout', display: 'timed out after 5 s and was killed' });
    expect(readVerdict('Stop', 'x', ran({ exitCode: null, spawnError: 'spawn sh ENOENT' }), 5)).toMatchObject({ status: 'error', display: 'could not start: spawn sh ENOENT' });
  });

  it("reads PreToolUse's updatedInput, and names the hook in one line when it is not an object", () => {
    const updated = readVerdict('PreToolUse', 'rewrite', ran({ stdout: '{"hookSpecificOutput":{"permissionDecision":"allow","updatedInput":{"command":"echo rewritten"}}}' }), 60);
    expect(updated).toMatchObject({ status: 'ok', permission: 'allow', updatedInput: { command: 'echo rewritten' } });
    const bad = readVerdict('PreToolUse', 'rewrite', ran({ stdout: '{"hookSpecificOutput":{"updatedInput":["echo"]}}' }), 60);
    expect(bad).toMatchObject({ status: 'error', inputProblem: 'The PreToolUse hook `rewrite` gave an updatedInput that is not an object (got ["echo"]); the call was not run.' });
    expect(bad.display).toBe(bad.inputProblem);
    expect(readVerdict('PostToolUse', 'x', ran({ stdout: '{"hookSpecificOutput":{"updatedInput":{"a":1}}}' }), 60)).not.toHaveProperty('updatedInput');
  });

  it('lets SubagentStop block as Stop does, and never PreCompact, SessionEnd or SubagentStart', () => {
    expect(readVerdict('SubagentStop', 'x', ran({ stdout: '{"decision":"block","reason":"cite lines"}' }), 60)).toMatchObject({ status: 'blocked', reason: 'cite lines' });
    expect(readVerdict('SubagentStop', 'x', ran({ exitCode: 2, stderr: 'more' }), 60)).toMatchObject({ status: 'blocked', reason: 'more' });
    for (const event of ['PreCompact', 'SessionEnd', 'SubagentStart'] as const) {
      expect(readVerdict(event, 'x', ran({ exitCode: 2, stderr: 'no' }), 60).status).toBe('error');
      expect(readVerdict(event, 'x', ran({ stdout: '{"decision":"block","reason":"no"}' }), 60).status).toBe('ok');
    }
  });
});
