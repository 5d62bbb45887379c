import { describe, expect, it } from 'vitest';
import { createRegistry, currentTools, type ToolRegistry } from '../../../src/tools/registry';
import type { ToolExecuteContext } from '../../../src/tools/types';
import { waitForCheckpoint } from '../../../src/ui/rewind/wait-for-checkpoint';
import { createFakeTool } from '../../helpers/fake-tools';

const context = { toolCallId: 'c1', signal: new AbortController().signal } as ToolExecuteContext;

describe('waitForCheckpoint', () => {
  it('holds a write back until the checkpoint settles, never a read, and wraps a registry once', async () => {
    const ran: string[] = [];
    const registry = createRegistry([
      createFakeTool({ name: 'bash', kind: 'write', onRun: (label) => ran.push(label) }),
      createFakeTool({ name: 'read_file', kind: 'read-only', onRun: (label) => ran.push(label) }),
    ]);
    let settle!: () => void;
    const checkpoint = new Promise<void>((resolve) => (settle = resolve));
    const source = waitForCheckpoint(() => registry, () => checkpoint);
    const tools = currentTools(source);
    expect(currentTools(source)).toBe(tools);
    expect(tools.get('bash')!.name).toBe('bash');

    await expectOnlyWriteWaits({ tools, settle, ran, write: ['bash', 'write'], read: ['read_file', 'read'] });
  });
});

describe('waitForCheckpoint and a tool whose kind depends on its input', () => {
  it('holds back only the calls that would write: a research agent starts at once, a writing agent waits', async () => {
    const ran: string[] = [];
    const base = createFakeTool({ name: 'research_codebase', kind: 'research', onRun: (label) => ran.push(label) });
    const tool = { ...base, kindOf: (input: { label: string }) => (input.label.startsWith('write') ? ('write' as const) : ('research' as const)) };
    let settle!: () => void;
    const checkpoint = new Promise<void>((resolve) => (settle = resolve));
    const tools = currentTools(waitForCheckpoint(createRegistry([tool]), () => checkpoint));
    await expectOnlyWriteWaits({ tools, settle, ran, write: ['research_codebase', 'write agent'], read: ['research_codebase', 'read agent'] });
  });
});

/** Starts the write, runs the read to its end while the checkpoint is pending (the write must not have run), then settles it. */
async function expectOnlyWriteWaits(options: { tools: ToolRegistry; settle: () => void; ran: string[]; write: [string, string]; read: [string, string] }) {
  const [writeTool, writeLabel] = options.write;
  const [readTool, readLabel] = options.read;
  const writing = options.tools.get(writeTool)!.execute({ label: writeLabel }, context);
  await options.tools.get(readTool)!.execute({ label: readLabel }, context);
  expect(options.ran).toEqual([readLabel]);
  options.settle();
  await writing;
  expect(options.ran).toEqual([readLabel, writeLabel]);
}
