import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { loadMarkdown } from '../../../src/ui/markdown/Markdown';
import { createRegistry } from '../../../src/tools/registry';
import { createFakeTool } from '../../helpers/fake-tools';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';

beforeAll(() => loadMarkdown());
afterEach(() => cleanup());

const slowReads = (latencyMs: number) => createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs })]);
/** Reads that run until the test opens the gate: the test looks at the turn while they run, however loaded the machine is. */
function gatedReads() {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  return { tools: createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', until: gate })]), open: () => open() };
}
const promptText = (model: ReturnType<typeof createScriptedModel>, index: number) => JSON.stringify(model.doStreamCalls[index]?.prompt ?? []);
const UP = '\u001B[A';

describe('typing while a turn runs', () => {
  it('queues a message during a slow batch, shows it queued, and delivers it with the next model request', async () => {
    const model = createScriptedModel([{ calls: [{ toolName: 'read_file', input: { label: 'slow.ts' } }] }, { text: 'Noted the tests.' }]);
    const reads = gatedReads();
    const app = renderApp({ model, tools: reads.tools });
    await typeAndSend(app.stdin, 'read it');
    await waitForFrame(app, (frame) => frame.includes('slow.ts') && frame.includes('running 1 tool'));
    await typeAndSend(app.stdin, 'also check the tests');

    const queued = await waitForFrame(app, (frame) => frame.includes('queued: also check the tests'));
    expect(queued).toContain('Up on an empty prompt');
    expect(model.doStreamCalls).toHaveLength(1);
    reads.open();

    const done = await waitForFrame(app, (frame) => frame.includes('Noted the tests.'));
    expect(done).not.toContain('queued: also check the tests');
    expect(done).toContain('also check the tests  (sent while the turn ran)');
    // The second request carries the message after the tool result, as a user message.
    const second = model.doStreamCalls[1]!.prompt;
    const last = second.at(-1)!;
    expect(last.role).toBe('user');
    expect(JSON.stringify(last.content)).toContain('also check the tests');
    expect(second.at(-2)!.role).toBe('tool');
    expect(model.doStreamCalls).toHaveLength(2);
  });

  it('Up on an empty prompt takes the queued message back to edit; it is not delivered', async () => {
    const model = createScriptedModel([{ calls: [{ toolName: 'read_file', input: { label: 'slow.ts' } }] }, { text: 'Done reading.' }]);
    const reads = gatedReads();
    const app = renderApp({ model, tools: reads.tools });
    await typeAndSend(app.stdin, 'read it');
    await waitForFrame(app, (frame) => frame.includes('running 1 tool'));
    await typeAndSend(app.stdin, 'typo mesage');
    await waitForFrame(app, (frame) => frame.includes('queued: typo mesage'));
    app.stdin.write(UP);

    const editing = await waitForFrame(app, (frame) => !frame.includes('queued:'));
    expect(editing).toContain('› typo mesage');
    app.stdin.write('\u0015'); // Ctrl+U drops it
    await waitForFrame(app, (frame) => !frame.includes('typo mesage'));
    reads.open();
    await waitForFrame(app, (frame) => frame.includes('Done reading.'));
    expect(promptText(model, 1)).not.toContain('typo mesage');
  });

  it('a message queued during the last step starts the next turn', async () => {
    const model = createScriptedModel([{ text: 'First answer.', delayMs: 400 }, { text: 'Second answer.' }]);
    const app = renderApp({ model, tools: slowReads(0) });
    await typeAndSend(app.stdin, 'first');
    await waitForFrame(app, (frame) => frame.includes('Esc interrupts'));
    await typeAndSend(app.stdin, 'and then this');
    await waitForFrame(app, (frame) => frame.includes('queued: and then this'));

    await waitForFrame(app, (frame) => frame.includes('Second answer.'));
    expect(promptText(model, 1)).toContain('and then this');
    expect(app.lastFrame()).toContain('› and then this');
  });
});

describe('/show', () => {
  it('lists the last turn’s calls and prints a research sub-agent’s calls and report', async () => {
    const { createResearchRegistry } = await import('../../helpers/render-app');
    const model = createScriptedModel([
      { calls: [{ toolName: 'research_codebase', input: { question: 'auth' } }, { toolName: 'research_codebase', input: { question: 'db\u001b[31m' } }] },
      { text: 'Research done.' },
    ]);
    const app = renderApp({ model, tools: createResearchRegistry(20) });
    await typeAndSend(app.stdin, 'research');
    const done = await waitForFrame(app, (frame) => frame.includes('Research done.'));
    expect(done).not.toContain('report on auth');
    expect(done).toContain('/show lists them');

    await typeAndSend(app.stdin, '/show');
    const list = await waitForFrame(app, (frame) => frame.includes('Tool calls of the last turn'));
    expect(list).toMatch(/1 ✓ research_codebase auth {2}2 steps, 2 tool calls/);
    expect(list).toMatch(/2 ✓ research_codebase db\\e\[31m/);

    await typeAndSend(app.stdin, '/show 1');
    const report = await waitForFrame(app, (frame) => frame.includes('report on auth'));
    expect(report).toContain('sub-agent: 2 steps, 2 tool calls');
    expect(report).toMatch(/✓ read_file auth-one/);
    expect(report).not.toContain('report on db');

    await typeAndSend(app.stdin, '/show 9');
    await waitForFrame(app, (frame) => frame.includes('No call 9: the last turn has 2'));
  });
});

describe('a resumed session', () => {
  it('retells each turn’s research sub-agents with their calls and report', async () => {
    const { render } = await import('ink-testing-library');
    const { App } = await import('../../../src/ui/App');
    const model = createScriptedModel([]);
    const app = render(
      <App
        initialModel={{ modelId: 'scripted', model }}
        selectModel={async () => ({ modelId: 'scripted', model })}
        tools={slowReads(0)}
        instructions="test"
        approvalMode="ask"
        workspaceLabel="~/repo"
        greeting="welcome"
        resumedTurns={[
          {
            prompt: 'how is auth wired?',
            answer: 'Through middleware.',
            research: [{ toolCallId: 'r1', question: 'auth', reason: 'done', report: 'auth lives in src/auth.ts\u0007', calls: [{ toolName: 'grep', description: 'login', status: 'ok', summary: '3 matches' }] }],
          },
        ]}
      />,
    );
    const frame = await waitForFrame(app, (current) => current.includes('Through middleware.'));
    expect(frame).toContain('↳ research_codebase auth · 1 tool calls');
    expect(frame).toContain('✓ grep login  3 matches');
    expect(frame).toContain('auth lives in src/auth.ts\\x07');
  });
});

describe('/diff', () => {
  it('shows what an approved write changed against the file before the session, and says bash is not tracked', async () => {
    const [{ render }, { App }, { createWriteJournal }, { createUpdateFileTool }, { createTempWorkspace }] = await Promise.all([
      import('ink-testing-library'),
      import('../../../src/ui/App'),
      import('../../../src/tools'),
      import('../../../src/tools/update-file'),
      import('../../helpers/temp-workspace'),
    ]);
    const cwd = await createTempWorkspace({ 'a.txt': 'original a\nsame\n' });
    const journal = createWriteJournal();
    const model = createScriptedModel([
      { calls: [{ toolName: 'update_file', input: { path: 'a.txt', old_string: 'original', new_string: 'changed' } }] },
      { text: 'Edited.' },
    ]);
    const app = render(
      <App
        initialModel={{ modelId: 'scripted', model }}
        selectModel={async () => ({ modelId: 'scripted', model })}
        tools={createRegistry([createUpdateFileTool({ cwd, journal })])}
        instructions="test"
        approvalMode="ask"
        workspaceLabel="~/repo"
        greeting="hi"
        journal={journal}
      />,
    );
    await typeAndSend(app.stdin, '/diff');
    await waitForFrame(app, (frame) => frame.includes('No file edited in this session differs'));
    await typeAndSend(app.stdin, 'edit it');
    await waitForFrame(app, (frame) => /allow/i.test(frame));
    app.stdin.write('y');
    await waitForFrame(app, (frame) => frame.includes('Edited.'));

    await typeAndSend(app.stdin, '/diff');
    const frame = await waitForFrame(app, (current) => current.includes('a.txt  +1 -1'));
    expect(frame).toContain('-original a');
    expect(frame).toContain('+changed a');
    expect(frame).toContain('Changes made by bash commands are not tracked.');
  });
});
