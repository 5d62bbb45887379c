import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown } from '../../../src/ui/markdown/Markdown';
import { cleanup } from 'ink-testing-library';
import { createRegistry } from '../../../src/tools/registry';
import { notificationSequence, resolveNotifyMode } from '../../../src/ui/react-hooks/notification';
import { TURN_END_SETTLE_MS } from '../../../src/ui/react-hooks/use-turn-end';
import { createFakeTool } from '../../helpers/fake-tools';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';

// Loaded up front: the first answer would otherwise wait for the renderer and count as a slow turn.
beforeAll(() => loadMarkdown());
afterEach(() => cleanup());

describe('notifications', () => {
  it('rings the bell when a long enough turn ends, outside the frame, and not for a short one', async () => {
    const written: string[] = [];
    // The slow turn takes at least its delay; the quick one has seconds to spare, which a busy machine takes.
    const model = createScriptedModel([{ text: 'Quick.' }, { text: 'Slow answer.', delayMs: 4200 }]);
    const app = renderApp({ model, tools: createRegistry([]), props: { notify: 'bell', notifyAfterMs: 4000, writeTerminal: (bytes) => written.push(bytes) } });
    await typeAndSend(app.stdin, 'quick one');
    await waitForFrame(app, (frame) => frame.includes('Quick.'));
    expect(written).toEqual([]);
    await typeAndSend(app.stdin, 'slow one');
    await waitForFrame(app, (frame) => frame.includes('Slow answer.'));
    expect(written).toEqual(['\u0007']);
    expect(app.lastFrame()).not.toContain('\u0007');
  });

  it('sends a desktop notification when an approval waits', async () => {
    const written: string[] = [];
    const model = createScriptedModel([{ calls: [{ toolName: 'bash', input: { label: 'make' } }] }, { text: 'Ran.' }]);
    const tools = createRegistry([createFakeTool({ name: 'bash', kind: 'write' })]);
    const app = renderApp({ model, tools, props: { notify: 'osc9', writeTerminal: (bytes) => written.push(bytes) } });
    await typeAndSend(app.stdin, 'build');
    await waitForFrame(app, (frame) => /allow/i.test(frame));
    expect(written).toEqual(['\u001b]9;shoal: bash waits for your approval\u0007']);
  });

  it('strips control characters so a text cannot end the sequence early, and picks per terminal under auto', () => {
    expect(notificationSequence({ mode: 'osc777', title: 'shoal', body: 'done\u0007\u001b]52;x' })).toBe('\u001b]777;notify;shoal;done  ]52 x\u0007');
    expect(notificationSequence({ mode: 'off', title: 'shoal', body: 'x' })).toBe('');
    expect(resolveNotifyMode('auto', { TERM_PROGRAM: 'WezTerm' })).toBe('osc9');
    expect(resolveNotifyMode('auto', { TERM: 'xterm-kitty' })).toBe('osc777');
    expect(resolveNotifyMode('auto', { TERM_PROGRAM: 'iTerm.app', TMUX: '/tmp/t' })).toBe('bell');
    expect(resolveNotifyMode('auto', { TERM: 'xterm-256color' })).toBe('bell');
  });
});

describe('turn end', () => {
  it('calls onTurnEnd once after a turn of several steps has ended, not while it runs', async () => {
    let ends = 0;
    const model = createScriptedModel([{ calls: [{ toolName: 'read_file', input: { label: 'a' } }], delayMs: 150 }, { text: 'Read it.', delayMs: 150 }]);
    const tools = createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only' })]);
    const app = renderApp({ model, tools, props: { onTurnEnd: () => ends++ } });
    await new Promise((resolve) => setTimeout(resolve, TURN_END_SETTLE_MS * 2));
    expect(ends).toBe(0);
    await typeAndSend(app.stdin, 'read a');
    await waitForFrame(app, (frame) => frame.includes('Read it.'));
    await new Promise((resolve) => setTimeout(resolve, TURN_END_SETTLE_MS * 3));
    expect(ends).toBe(1);
  });
});
