import { describe, expect, it } from 'vitest';
import { createRegistry, currentTools } from '../../src/tools/registry';
import type { ToolExecuteContext } from '../../src/tools/types';
import { waitForCheckpoint } from '../../src/ui/rewind/wait-for-checkpoint';
import { createFakeTool } from '../helpers/fake-tools';

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

    const write = tools.get('bash')!.execute({ label: 'write' }, context);
    await tools.get('read_file')!.execute({ label: 'read' }, context);
    expect(ran).toEqual(['read']);
    settle();
    await write;
    expect(ran).toEqual(['read', 'write']);
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

    const writing = tools.get('research_codebase')!.execute({ label: 'write agent' }, context);
    await tools.get('research_codebase')!.execute({ label: 'read agent' }, context);
    expect(ran).toEqual(['read agent']);
    settle();
    await writing;
    expect(ran).toEqual(['read agent', 'write agent']);
  });
});
