import { describe, expect, it } from 'vitest';
import { denyAll } from '../../src/agent/calls/approval';
import { createContextBudget } from '../../src/agent/context/budget';
import { runAgent } from '../../src/agent/loop';
import { createHookRunner } from '../../src/hooks/runner';
import { createRegistry } from '../../src/tools/registry';
import { collect, ofType } from '../helpers/collect';
import { createFakeTool } from '../helpers/fake-tools';
import { hooksOf, readRecorded, RECORD_INPUT } from '../helpers/hook-scripts';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const big = (label: string) => `${label}: ${'lorem ipsum dolor sit amet '.repeat(90)}`;

describe('compaction hooks in the loop', () => {
  it('runs PreCompact (trigger auto) before the history outgrows its window, and SessionStart (source compact) after, whose output joins the history', async () => {
    const cwd = await createTempWorkspace();
    const hooks = createHookRunner({
      hooks: hooksOf([
        { event: 'PreCompact', matcher: 'auto', command: RECORD_INPUT('pre.jsonl') },
        { event: 'PreCompact', matcher: 'manual', command: RECORD_INPUT('manual.jsonl') },
        { event: 'SessionStart', matcher: 'compact', command: `${RECORD_INPUT('start.jsonl')}\necho "Never touch the migrations folder."` },
        { event: 'SessionStart', matcher: 'startup|resume|clear', command: RECORD_INPUT('other-start.jsonl') },
      ]),
      cwd,
      session: () => ({ sessionId: 's', transcriptPath: '' }),
    });
    const tools = createRegistry([
      { ...createFakeTool({ name: 'read', kind: 'read-only' }), execute: async (input: { label: string }) => ({ output: big(`contents of ${input.label}`), summary: 'big' }) },
    ]);
    const steps = Array.from({ length: 8 }, (_, index) => ({ calls: [{ toolName: 'read', input: { label: `file-${index}` } }] }));
    const model = createScriptedModel([...steps, { text: 'Fini.' }]);
    const nodes = await collect(
      runAgent({
        model,
        instructions: 'test',
        messages: [{ role: 'user', content: 'Rename every Invoice to Bill.' }],
        tools,
        signal: new AbortController().signal,
        requestApproval: denyAll,
        context: createContextBudget({ window: { tokens: 6000, source: 'test', isKnown: true } }),
        hooks,
      }),
    );
    const compactions = ofType(nodes, 'compaction-end').length;
    expect(compactions).toBeGreaterThan(0);
    const pre = await readRecorded(cwd, 'pre.jsonl');
    expect(pre).toHaveLength(compactions);
    expect(pre[0]).toMatchObject({ hook_event_name: 'PreCompact', trigger: 'auto', custom_instructions: '' });
    expect(await readRecorded(cwd, 'manual.jsonl')).toEqual([]);
    expect((await readRecorded(cwd, 'start.jsonl'))[0]).toMatchObject({ hook_event_name: 'SessionStart', source: 'compact' });
    expect(await readRecorded(cwd, 'other-start.jsonl')).toEqual([]);
    // The hook's word reaches the model with the compacted history, and the history kept says it.
    expect(JSON.stringify(model.doStreamCalls.at(-1)!.prompt)).toContain('Never touch the migrations folder.');
    expect(JSON.stringify(ofType(nodes, 'history-replace')[0]!.messages[0])).toContain('Never touch the migrations folder.');
    // PreCompact ran before its compaction started.
    const order = nodes.flatMap((node) => (node.type === 'hook-result' ? [node.event] : node.type === 'compaction-start' ? ['compaction'] : []));
    expect(order.slice(0, 2)).toEqual(['PreCompact', 'compaction']);
  });
});
