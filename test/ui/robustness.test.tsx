import { EventEmitter } from 'node:events';
import { Box, render, Text } from 'ink';
import { cleanup, render as renderForTest } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRegistry } from '../../src/tools/registry';
import { App } from '../../src/ui/App';
import { ErrorBoundary } from '../../src/ui/ErrorBoundary';
import { createFakeTool } from '../helpers/fake-tools';
import { waitForFrame } from '../helpers/render-app';
import { createScriptedModel } from '../helpers/scripted-model';

afterEach(() => cleanup());

/** A terminal of a given size that keeps what was written, and can be resized. */
class FakeTerminal extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows = 30,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames.at(-1) ?? '';
  resize(columns: number) {
    this.columns = columns;
    this.emit('resize');
  }
}

class FakeInput extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  write(data: string) {
    this.pending = data;
    this.emit('readable');
    this.emit('data', data);
  }
  setRawMode() {}
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    const data = this.pending;
    this.pending = null;
    return data;
  }
}

describe('the UI under strain', () => {
  it('keeps every line within a 40-column terminal, before and after a resize', async () => {
    const model = createScriptedModel([
      { text: 'A fairly long answer that will certainly need to wrap on a narrow terminal window.', calls: [{ toolName: 'read_file', input: { label: 'a/very/long/path/that/does/not/fit/in/forty/columns.ts' } }] },
      { text: 'Done, and still readable at forty columns.' },
    ]);
    const stdout = new FakeTerminal(100);
    const stdin = new FakeInput();
    const instance = render(
      <App
        initialModel={{ modelId: 'scripted', model }}
        selectModel={async () => ({ modelId: 'scripted', model })}
        tools={createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs: 20 })])}
        instructions="test"
        approvalMode="ask"
        workspaceLabel="~/a/rather/long/workspace/path/name"
        greeting="welcome"
      />,
      { stdout: stdout as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false },
    );
    try {
      stdout.resize(40);
      await new Promise((resolve) => setTimeout(resolve, 30));
      stdin.write('read the long file');
      await new Promise((resolve) => setTimeout(resolve, 20));
      stdin.write('\r');
      const frame = await waitForFrame(stdout, (current) => current.includes('done in'));
      for (const line of frame.split('\n')) expect([...line.replace(/\u001B\[[0-9;]*m/g, '')].length).toBeLessThanOrEqual(40);
      expect(frame).toContain('✓ read_file');
    } finally {
      instance.unmount();
    }
  });

  it('shows an error row instead of crashing when a part of the screen fails to render', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const Broken = () => {
      throw new Error('bad data');
    };
    const app = renderForTest(
      <Box flexDirection="column">
        <ErrorBoundary what="this step">
          <Broken />
        </ErrorBoundary>
        <Text>still here</Text>
      </Box>,
    );
    const frame = await waitForFrame(app, (current) => current.includes('still here'));
    expect(frame).toContain('✗ could not show this step: bad data');
  });

  it('caps a live batch to the screen, counting the rows it leaves out', async () => {
    const model = createScriptedModel([
      { calls: Array.from({ length: 30 }, (_, index) => ({ toolName: 'read_file', input: { label: `file-${index}` } })) },
      { text: 'all read' },
    ]);
    const stdout = new FakeTerminal(100, 20);
    const stdin = new FakeInput();
    const instance = render(
      <App
        initialModel={{ modelId: 'scripted', model }}
        selectModel={async () => ({ modelId: 'scripted', model })}
        tools={createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs: 400 })])}
        instructions="test"
        approvalMode="ask"
        workspaceLabel="~/repo"
        greeting="welcome"
      />,
      { stdout: stdout as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 30));
      stdin.write('read thirty files');
      await new Promise((resolve) => setTimeout(resolve, 20));
      stdin.write('\r');
      const running = await waitForFrame(stdout, (frame) => frame.includes('running 8 tools'));
      const rows = running.split('\n').filter((line) => line.includes('read_file file-'));
      expect(rows).toHaveLength(7);
      expect(running).toContain('… 23 more: 1 running, 22 queued');
      // Once settled the step shows every row.
      const done = await waitForFrame(stdout, (frame) => frame.includes('all read'), 10_000);
      expect(done.split('\n').filter((line) => line.includes('read_file file-'))).toHaveLength(30);
    } finally {
      instance.unmount();
    }
  });
});
