import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HooksConfig } from '../../src/hooks/config';
import { createHookRunner } from '../../src/hooks/runner';
import { createRegistry } from '../../src/tools/registry';
import { createFakeTool } from '../helpers/fake-tools';
import { hookOn, hooksOf, readRecorded, RECORD_INPUT, writeHookScripts } from '../helpers/hook-scripts';
import { renderApp, typeAndSend, waitForFrame } from '../helpers/render-app';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const runner = (cwd: string, hooks: HooksConfig) => createHookRunner({ hooks, cwd, session: () => ({ sessionId: 's', transcriptPath: '' }) });
const decide = (decision: string, reason: string) =>
  `cat > /dev/null\necho '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"${decision}","permissionDecisionReason":"${reason}"}}'`;

describe('hooks in the TUI', () => {
  it('shows a PreToolUse block dim in the transcript, and the call as denied', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'deny.sh': decide('deny', 'deploys need a ticket') });
    const ran: string[] = [];
    const model = createScriptedModel([{ calls: [{ toolName: 'bash', input: { label: 'deploy' } }] }, { text: 'Understood.' }]);
    const app = renderApp({
      model,
      approvalMode: 'yolo',
      tools: createRegistry([createFakeTool({ name: 'bash', kind: 'write', onRun: (label) => ran.push(label) })]),
      props: { hooks: runner(cwd, hookOn('PreToolUse', scripts['deny.sh']!, 'Bash')) },
    });
    await typeAndSend(app.stdin, 'ship it');
    const frame = await waitForFrame(app, (text) => text.includes('Understood.'), 15_000);
    expect(frame).toContain(`PreToolUse hook blocked bash (${scripts['deny.sh']}): deploys need a ticket`);
    expect(frame).toMatch(/⊘ bash deploy {2}blocked by hook: deploys need a ticket/);
    expect(ran).toEqual([]);
    expect(JSON.stringify(model.doStreamCalls[1]!.prompt)).toContain('Blocked by a PreToolUse hook: deploys need a ticket');
  });

  it("asks when a hook answers ask, even in yolo mode, and runs the call once it is approved", async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'ask.sh': decide('ask', 'production database') });
    const ran: string[] = [];
    const model = createScriptedModel([{ calls: [{ toolName: 'bash', input: { label: 'migrate' } }] }, { text: 'Migrated.' }]);
    const app = renderApp({
      model,
      approvalMode: 'yolo',
      tools: createRegistry([createFakeTool({ name: 'bash', kind: 'write', onRun: (label) => ran.push(label) })]),
      props: { hooks: runner(cwd, hookOn('PreToolUse', scripts['ask.sh']!)) },
    });
    await typeAndSend(app.stdin, 'migrate');
    await waitForFrame(app, (text) => text.includes('$ migrate'), 15_000);
    expect(ran).toEqual([]);
    app.stdin.write('y');
    await waitForFrame(app, (text) => text.includes('Migrated.'), 15_000);
    expect(ran).toEqual(['migrate']);
  });

  it('tells hooks the approval mode the user switched to with Shift+Tab', async () => {
    const cwd = await createTempWorkspace();
    const log = path.join(cwd, 'inputs.jsonl');
    const scripts = await writeHookScripts(cwd, { 'log.sh': `cat >> '${log}'\necho >> '${log}'` });
    const model = createScriptedModel([{ text: 'First.' }, { text: 'Second.' }]);
    const hooks = createHookRunner({ hooks: hookOn('UserPromptSubmit', scripts['log.sh']!), cwd, session: () => ({ sessionId: 's', transcriptPath: '' }), permissionMode: 'ask' });
    const app = renderApp({ model, tools: createRegistry([]), props: { hooks } });
    await typeAndSend(app.stdin, 'one');
    await waitForFrame(app, (text) => text.includes('First.'), 15_000);
    app.stdin.write('\u001B[Z');
    await waitForFrame(app, (text) => text.includes('auto-edit (shift+tab)'));
    await typeAndSend(app.stdin, 'two');
    await waitForFrame(app, (text) => text.includes('Second.'), 15_000);
    const modes = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { permission_mode: string }).permission_mode);
    expect(modes).toEqual(['default', 'acceptEdits']);
  });

  it('keeps a prompt a UserPromptSubmit hook blocks from the model, says why, and lists the hooks with /hooks', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'prompt.sh': 'cat > /dev/null\necho "no prompts on Fridays" >&2\nexit 2' });
    const model = createScriptedModel([{ text: 'never' }]);
    const app = renderApp({ model, tools: createRegistry([]), props: { hooks: runner(cwd, hookOn('UserPromptSubmit', scripts['prompt.sh']!)) } });
    await typeAndSend(app.stdin, 'hello');
    const frame = await waitForFrame(app, (text) => text.includes('it was not sent'), 15_000);
    expect(frame).toContain('A UserPromptSubmit hook blocked this prompt; it was not sent: no prompts on Fridays');
    expect(model.doStreamCalls).toHaveLength(0);
    await typeAndSend(app.stdin, '/hooks');
    const listed = await waitForFrame(app, (text) => text.includes('Hooks (they run'), 15_000);
    expect(listed).toContain(`UserPromptSubmit: ${scripts['prompt.sh']}`);
  });

  it('runs the Notification hooks with the message when an approval waits, whatever the notify mode', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'notify.sh': 'cat > "$CLAUDE_PROJECT_DIR/notification.json"' });
    const model = createScriptedModel([{ calls: [{ toolName: 'bash', input: { label: 'make' } }] }, { text: 'Built.' }]);
    const app = renderApp({
      model,
      tools: createRegistry([createFakeTool({ name: 'bash', kind: 'write' })]),
      props: { notify: 'off', hooks: runner(cwd, hookOn('Notification', scripts['notify.sh']!)) },
    });
    await typeAndSend(app.stdin, 'build');
    await waitForFrame(app, (text) => text.includes('$ make'), 15_000);
    const input = await waitForJson(path.join(cwd, 'notification.json'));
    expect(input).toMatchObject({ hook_event_name: 'Notification', message: 'bash waits for your approval', session_id: 's', cwd });
  });

  it('runs PreCompact before /compact with trigger manual and the text after it as custom_instructions', async () => {
    const cwd = await createTempWorkspace();
    const model = createScriptedModel([{ text: 'Done.' }, { text: '## Goal\nSay go.' }]);
    const hooks = runner(cwd, hooksOf([{ event: 'PreCompact', matcher: 'manual', command: RECORD_INPUT('manual.jsonl') }, { event: 'PreCompact', matcher: 'auto', command: RECORD_INPUT('auto.jsonl') }]));
    const app = renderApp({ model, tools: createRegistry([]), props: { hooks, contextWindowOf: () => ({ tokens: 16_384, source: 'test', isKnown: true }) } });
    await typeAndSend(app.stdin, 'go');
    await waitForFrame(app, (text) => text.includes('Done.'), 15_000);
    await typeAndSend(app.stdin, '/compact focus on X');
    await waitForFrame(app, (text) => text.includes(`PreCompact hook ran (${RECORD_INPUT('manual.jsonl')})`) || /done in[^]*done in/.test(text), 15_000);
    const inputs = await waitForRecorded(cwd, 'manual.jsonl', 1);
    expect(inputs).toEqual([expect.objectContaining({ hook_event_name: 'PreCompact', trigger: 'manual', custom_instructions: 'focus on X', session_id: 's' })]);
    expect(await readRecorded(cwd, 'auto.jsonl')).toEqual([]);
  });

  it('runs SessionEnd with reason clear on /clear, then SessionStart with source clear, each selected by its matcher', async () => {
    const cwd = await createTempWorkspace();
    const model = createScriptedModel([{ text: 'Never.' }]);
    const hooks = runner(
      cwd,
      hooksOf([
        { event: 'SessionEnd', matcher: 'clear', command: RECORD_INPUT('end.jsonl') },
        { event: 'SessionEnd', matcher: 'prompt_input_exit|other', command: RECORD_INPUT('end-other.jsonl') },
        { event: 'SessionStart', matcher: 'clear', command: RECORD_INPUT('start.jsonl') },
      ]),
    );
    const app = renderApp({ model, tools: createRegistry([]), props: { hooks } });
    await waitForFrame(app, (text) => text.includes('welcome to shoal'));
    await typeAndSend(app.stdin, '/clear');
    const started = await waitForRecorded(cwd, 'start.jsonl', 1);
    // The startup run selected nothing: "clear" is the only source matched.
    expect(started).toEqual([expect.objectContaining({ hook_event_name: 'SessionStart', source: 'clear' })]);
    expect(await readRecorded(cwd, 'end.jsonl')).toEqual([expect.objectContaining({ hook_event_name: 'SessionEnd', reason: 'clear' })]);
    expect(await readRecorded(cwd, 'end-other.jsonl')).toEqual([]);
  });
});

/** What a `RECORD_INPUT` hook wrote, once it holds `count` inputs. */
async function waitForRecorded(cwd: string, file: string, count: number): Promise<Record<string, unknown>[]> {
  for (const deadline = Date.now() + 20_000; ; ) {
    const inputs = await readRecorded(cwd, file).catch(() => []);
    if (inputs.length >= count || Date.now() > deadline) return inputs;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The JSON a hook writes to `file`, once it is whole. */
async function waitForJson(file: string): Promise<Record<string, unknown>> {
  for (const deadline = Date.now() + 20_000; ; ) {
    try {
      return JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
