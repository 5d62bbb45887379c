import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from '../../../src/ui/composer/Composer';
import { waitForFrame } from '../../helpers/render-app';

afterEach(() => cleanup());

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function renderComposer() {
  const sent: string[] = [];
  const onExit = vi.fn();
  const app = render(<Composer isActive onSubmit={(text) => (sent.push(text), true)} onExit={onExit} />);
  return { app, sent, onExit };
}

describe('Composer', () => {
  it('sends on Enter and inserts newlines with Ctrl+J or a trailing backslash', async () => {
    const { app, sent } = renderComposer();
    await tick();
    app.stdin.write('first line');
    await tick();
    app.stdin.write('\n'); // Ctrl+J
    await tick();
    app.stdin.write('second\\');
    await tick();
    app.stdin.write('\r'); // Enter after a backslash: a newline, not a send
    await tick();
    app.stdin.write('third');
    await tick();
    expect(sent).toEqual([]);
    app.stdin.write('\r');
    await tick();
    expect(sent).toEqual(['first line\nsecond\nthird']);
  });

  it('keeps pasted text whole, newlines included', async () => {
    const { app, sent } = renderComposer();
    await tick();
    app.stdin.write('\u001B[200~line one\r\nline two\u001B[201~');
    await tick();
    app.stdin.write('\r');
    await tick();
    expect(sent).toEqual(['line one\nline two']);
  });

  it('walks earlier prompts with Up and Down and restores the draft', async () => {
    const { app, sent } = renderComposer();
    await tick();
    for (const prompt of ['one', 'two']) {
      app.stdin.write(prompt);
      await tick();
      app.stdin.write('\r');
      await tick();
    }
    app.stdin.write('draft');
    await tick();
    app.stdin.write('\u001B[A');
    await waitForFrame(app, (frame) => frame.includes('two') && !frame.includes('draft'));
    app.stdin.write('\u001B[A');
    await waitForFrame(app, (frame) => frame.includes('one'));
    app.stdin.write('\u001B[B');
    app.stdin.write('\u001B[B');
    await waitForFrame(app, (frame) => frame.includes('draft'));
    expect(sent).toEqual(['one', 'two']);
  });

  it('Ctrl+C clears the box, a second Ctrl+C within two seconds exits, Ctrl+D on an empty box exits', async () => {
    const { app, onExit } = renderComposer();
    await tick();
    app.stdin.write('half a thought');
    await tick();
    app.stdin.write('\u0003');
    await waitForFrame(app, (frame) => !frame.includes('half a thought') && frame.includes('Press Ctrl+C again to exit'));
    expect(onExit).not.toHaveBeenCalled();
    app.stdin.write('\u0003');
    await tick();
    expect(onExit).toHaveBeenCalledTimes(1);

    const second = renderComposer();
    await tick();
    second.app.stdin.write('x');
    await tick();
    second.app.stdin.write('\u0004');
    await tick();
    expect(second.onExit).not.toHaveBeenCalled();
    second.app.stdin.write('\u007F');
    await tick();
    second.app.stdin.write('\u0004');
    await tick();
    expect(second.onExit).toHaveBeenCalledTimes(1);
  });
});
