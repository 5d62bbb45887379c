import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { createRegistry } from '../../../src/tools/registry';
import { loadMarkdown } from '../../../src/ui/markdown/Markdown';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';

beforeAll(() => loadMarkdown());
afterEach(() => cleanup());

const REASONING = 'First I list the files.\nThen I check the tests for the parser.';
const CTRL_T = '\u0014';

function thinkingApp(reasoning = REASONING) {
  const model = createScriptedModel([{ reasoning, reasoningPauseMs: 700, text: 'The parser is fine.' }]);
  return renderApp({ model, tools: createRegistry([]) });
}

describe('reasoning in the TUI', () => {
  it('shows one dim line while the model thinks, then a note, never inside the answer', async () => {
    const app = thinkingApp();
    await typeAndSend(app.stdin, 'check the parser');
    const thinking = await waitForFrame(app, (frame) => frame.includes('thinking') && frame.includes('parser.'));
    const lines = thinking.split('\n').filter((line) => line.includes('Then I check'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/✻ thinking \d+s · Then I check the tests for the parser\./);
    // Only the latest line: the live region stays one row however long the model thinks.
    expect(thinking).not.toContain('First I list');

    const done = await waitForFrame(app, (frame) => frame.includes('done in'));
    expect(done).toContain('The parser is fine.');
    expect(done).toMatch(/✻ thought for \d+ ms · 13 words \(ctrl\+t shows reasoning\)/);
    expect(done).not.toContain('Then I check');
  });

  it('shows the reasoning in full while streaming and after, once Ctrl+T is pressed', async () => {
    const app = thinkingApp();
    app.stdin.write(CTRL_T);
    await waitForFrame(app, (frame) => frame.includes('Reasoning shown in full'));
    await typeAndSend(app.stdin, 'check the parser');
    const live = await waitForFrame(app, (frame) => frame.includes('thinking') && frame.includes('parser.'));
    expect(live).toContain('First I list the files.');
    const done = await waitForFrame(app, (frame) => frame.includes('done in'));
    expect(done).toContain('First I list the files.');
    expect(done).toContain('Then I check the tests for the parser.');
    expect(done.indexOf('Then I check')).toBeLessThan(done.indexOf('The parser is fine.'));
  });

  it('/reasoning shows the last step’s reasoning in full, control characters escaped', async () => {
    const app = thinkingApp('Plan:\nstep \u001b[31mred\u001b[0m one');
    await typeAndSend(app.stdin, 'go');
    await waitForFrame(app, (frame) => frame.includes('done in'));
    await typeAndSend(app.stdin, '/reasoning');
    const frame = await waitForFrame(app, (text) => text.includes('Reasoning of the last step'));
    expect(frame).toContain('Plan:');
    expect(frame).toContain('step \\e[31mred\\e[0m one');
    expect(frame).not.toContain('\u001b[31m');
  });

  it('/reasoning says so when the model sent none', async () => {
    const app = renderApp({ model: createScriptedModel([{ text: 'Hi.' }]), tools: createRegistry([]) });
    await typeAndSend(app.stdin, 'hi');
    await waitForFrame(app, (frame) => frame.includes('done in'));
    await typeAndSend(app.stdin, '/reasoning');
    expect(await waitForFrame(app, (frame) => frame.includes('No reasoning yet'))).not.toContain('thought for');
  });
});
