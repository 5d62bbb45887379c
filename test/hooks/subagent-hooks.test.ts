import { describe, expect, it } from 'vitest';
import { createStartResearch } from '../../src/agent/create-agent';
import { createHookRunner } from '../../src/hooks/runner';
import { createFileTracker } from '../../src/tools';
import { collect, ofType } from '../helpers/collect';
import { hookOn, writeHookScripts } from '../helpers/hook-scripts';
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
});
