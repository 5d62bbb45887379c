import type { LanguageModel } from 'ai';
import { render } from 'ink-testing-library';
import type { ModelPrice } from '../../src/models/prices';
import type { ApprovalMode } from '../../src/agent/calls/approval';
import { createRegistry, type ToolRegistry } from '../../src/tools/registry';
import type { WebAccess } from '../../src/tools/web/access';
import { App, type AppProps } from '../../src/ui/App';
import { createFakeResearchTool } from './fake-tools';

/** Renders the real App around a scripted model and the given tools. */
export function renderApp(options: {
  model: LanguageModel;
  tools: ToolRegistry;
  approvalMode?: ApprovalMode;
  price?: ModelPrice;
  webAccess?: WebAccess;
  /** Further props, e.g. `cwd` and `promptHistory` for the prompt box's features. */
  props?: Partial<AppProps>;
}) {
  const instance = render(
    <App
      initialModel={{ modelId: 'scripted', model: options.model, price: options.price }}
      selectModel={async (name) => ({ modelId: name, model: options.model })}
      tools={options.tools}
      instructions="test"
      approvalMode={options.approvalMode ?? 'ask'}
      webAccess={options.webAccess}
      workspaceLabel="~/repo"
      greeting="welcome to shoal"
      {...options.props}
    />,
  );
  return instance;
}

/**
 * Polls the last frame until `predicate` holds; fails with the frame when it
 * never does. Waits a tick more after a match: a frame is written before
 * React's effects subscribe the new components to key presses.
 */
export async function waitForFrame(
  instance: { lastFrame: () => string | undefined },
  predicate: (frame: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = instance.lastFrame() ?? '';
    if (predicate(frame)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`Frame never matched:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Types text and presses Enter, as separate key events. */
export async function typeAndSend(stdin: { write: (data: string) => void }, text: string): Promise<void> {
  stdin.write(text);
  await new Promise((resolve) => setTimeout(resolve, 20));
  stdin.write('\r');
}

/** A registry with a research tool whose sub-agents batch two slow reads each, through the real loop. */
export function createResearchRegistry(readLatencyMs: number): ToolRegistry {
  return createRegistry([createFakeResearchTool(readLatencyMs)]);
}
