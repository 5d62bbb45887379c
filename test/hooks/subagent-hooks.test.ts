import { describe, expect, it } from 'vitest';
import { createStartResearch } from '../../src/agent/create-agent';
import { createHookRunner } from '../../src/hooks/runner';
import { createFileTracker } from '../../src/tools';
import { collect, ofType } from '../helpers/collect';
import { hookOn, hooksOf, READ_FIELD, readRecorded, RECORD_INPUT, writeHookScripts } from '../helpers/hook-scripts';
import type { UserAgent } from '../../src/agent/user-agents/definition';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

describe('hooks in research sub-agents', () => {
  it("run PreToolUse before a sub-agent's read: a blocked read is not run, and the sub-agent reads why", async () => {
    const cwd = await createTempWorkspace({ '.env.local': 'SECRET=1\n', 'a.txt': 'a\n' });
    const scripts = await writeHookScripts(cwd, { 'no-env.sh': 'grep -q "\\.env" && { echo "env files are off limits" >&2; exit 2; }\nexit 0' });
    const hooks = createHookRunner({ hooks: hookOn('PreToolUse', scripts['no-env.sh']!, 'Read'), cwd, session: () => ({ sessionId: 's', transcriptPath: '' }) });
    const model = createScriptedModel([
      { calls: [{ toolName: 'read_file', input: { path: '.env.local' } }, { toolName: 'read_file', input: { path: 'a.txt' } }] },
      { text: 'Report.' },
    ]);
    const start = createStartResearch({ cwd, model, hooks }, createFileTracker());
    const nodes = await collect(start({ question: 'what is configured?', toolCallId: 'r1', signal: new AbortController().signal }));
    // The two reads run in parallel: their order is not fixed.
    const ends = new Map(ofType(nodes, 'tool-call-end').map((end) => [end.toolCallId, end]));
    expect(ends.size).toBe(2);
    const [envRead, plainRead] = ofType(nodes, 'phase-start').flatMap((phase) => phase.calls).map((call) => ends.get(call.toolCallId)!);
    expect(envRead).toMatchObject({ status: 'denied', output: 'Blocked by a PreToolUse hook: env files are off limits' });
    expect(plainRead).toMatchObject({ status: 'ok' });
    expect(ofType(nodes, 'hook-result').map((node) => `${node.agentId} ${node.status}`).sort()).toEqual(['research:r1 blocked', 'research:r1 ok']);
    expect(JSON.stringify(model.doStreamCalls[1]!.prompt)).not.toContain('SECRET=1');
  });

  it('run SubagentStart with the agent id and type; its additionalContext reaches the sub-agent with its task, and a matcher for another type does not run', async () => {
    const cwd = await createTempWorkspace();
    const context = JSON.stringify({ hookSpecificOutput: { hookEventName: 'SubagentStart', additionalContext: 'Look in src/legacy first.' } });
    const hooks = createHookRunner({
      hooks: hooksOf([
        { event: 'SubagentStart', matcher: 'research', command: `${RECORD_INPUT('start.jsonl')}\nprintf '%s\\n' '${context}'` },
        { event: 'SubagentStart', matcher: 'reviewer', command: RECORD_INPUT('other.jsonl') },
      ]),
      cwd,
      session: () => ({ sessionId: 's', transcriptPath: '' }),
    });
    const model = createScriptedModel([{ text: 'Report.' }]);
    const start = createStartResearch({ cwd, model, hooks }, createFileTracker());
    const nodes = await collect(start({ question: 'where is the parser?', toolCallId: 'r1', signal: new AbortController().signal }));
    expect(await readRecorded(cwd, 'start.jsonl')).toEqual([expect.objectContaining({ hook_event_name: 'SubagentStart', agent_id: 'research:r1', agent_type: 'research', session_id: 's', cwd })]);
    expect(await readRecorded(cwd, 'other.jsonl')).toEqual([]);
    const task = JSON.stringify(model.doStreamCalls[0]!.prompt);
    expect(task).toContain('where is the parser?');
    expect(task).toContain('Look in src/legacy first.');
    expect(ofType(nodes, 'hook-result')).toEqual([expect.objectContaining({ event: 'SubagentStart', status: 'ok', agentId: 'research:r1' })]);
  });

  it('keep a sub-agent going one more step when SubagentStop blocks once, with its reason; the hook reads the final message and stop_hook_active', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, {
      'stop.sh': `input=$(cat)\necho "$input" >> "$CLAUDE_PROJECT_DIR/stop.jsonl"\nactive=$(echo "$input" | ${READ_FIELD('stop_hook_active')})\n[ "$active" = true ] && exit 0\necho "name the file and line" >&2\nexit 2`,
    });
    const hooks = createHookRunner({ hooks: hookOn('SubagentStop', scripts['stop.sh']!, 'research'), cwd, session: () => ({ sessionId: 's', transcriptPath: '' }) });
    const model = createScriptedModel([{ text: 'It is in the parser.' }, { text: 'src/parser.ts:12.' }]);
    const start = createStartResearch({ cwd, model, hooks }, createFileTracker());
    const nodes = await collect(start({ question: 'where?', toolCallId: 'r1', signal: new AbortController().signal }));
    expect(model.doStreamCalls).toHaveLength(2);
    expect(JSON.stringify(model.doStreamCalls[1]!.prompt)).toContain('name the file and line');
    expect(ofType(nodes, 'run-end')).toEqual([expect.objectContaining({ agentId: 'research:r1', reason: 'done', text: 'src/parser.ts:12.', steps: 2 })]);
    const inputs = await readRecorded(cwd, 'stop.jsonl');
    expect(inputs).toEqual([
      expect.objectContaining({ hook_event_name: 'SubagentStop', stop_hook_active: false, agent_id: 'research:r1', agent_type: 'research', agent_transcript_path: '', last_assistant_message: 'It is in the parser.' }),
      expect.objectContaining({ stop_hook_active: true, last_assistant_message: 'src/parser.ts:12.' }),
    ]);
  });

  it("match a user agent's SubagentStop by its name; decision block keeps it going, and Stop hooks never run for a sub-agent", async () => {
    const cwd = await createTempWorkspace();
    const block = JSON.stringify({ decision: 'block', reason: 'Check the tests too.' });
    const scripts = await writeHookScripts(cwd, { 'once.sh': `[ -e "$CLAUDE_PROJECT_DIR/blocked" ] && exit 0\ntouch "$CLAUDE_PROJECT_DIR/blocked"\nprintf '%s\\n' '${block}'` });
    const hooks = createHookRunner({
      hooks: hooksOf([
        { event: 'SubagentStop', matcher: 'reviewer', command: scripts['once.sh']! },
        { event: 'SubagentStop', matcher: 'research', command: RECORD_INPUT('research.jsonl') },
        { event: 'Stop', command: RECORD_INPUT('stop.jsonl') },
      ]),
      cwd,
      session: () => ({ sessionId: 's', transcriptPath: '' }),
    });
    const reviewer: UserAgent = { name: 'reviewer', description: 'reviews', tools: ['read_file'], hasToolsLine: true, canWrite: false, prompt: 'Review.', source: 'user', path: '~/.shoal/agents/reviewer.md' };
    const model = createScriptedModel([{ text: 'Looks fine.' }, { text: 'Tests are fine too.' }]);
    const start = createStartResearch({ cwd, model, hooks, agents: [reviewer] }, createFileTracker());
    const nodes = await collect(start({ question: 'review', agent: 'reviewer', toolCallId: 'r2', signal: new AbortController().signal }));
    expect(model.doStreamCalls).toHaveLength(2);
    expect(JSON.stringify(model.doStreamCalls[1]!.prompt)).toContain('Check the tests too.');
    expect(ofType(nodes, 'run-end')).toEqual([expect.objectContaining({ agentId: 'reviewer:r2', text: 'Tests are fine too.' })]);
    expect(await readRecorded(cwd, 'research.jsonl')).toEqual([]);
    expect(await readRecorded(cwd, 'stop.jsonl')).toEqual([]);
  });
});
