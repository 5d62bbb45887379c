import { describe, expect, it } from 'vitest';
import { createEarlyCalls } from '../../../src/agent/calls/early-calls';
import { createRegistry } from '../../../src/tools/registry';
import { createFakeTool } from '../../helpers/fake-tools';

describe('early calls of a response with thousands of calls', () => {
  it('judges each call once, however many follow it', async () => {
    let parses = 0;
    const tool = createFakeTool({ name: 'fetch', kind: 'write' });
    const parse = tool.inputSchema.safeParse.bind(tool.inputSchema);
    // A tool whose phase depends on its input (as web_fetch's): every judgement parses it.
    const counted = { ...tool, kindOf: () => 'read-only' as const, inputSchema: Object.assign(Object.create(tool.inputSchema), { safeParse: (value: unknown) => (parses++, parse(value)) }) };
    const early = createEarlyCalls({
      agentId: 'main',
      batchPrefix: 't',
      step: 1,
      tools: createRegistry([counted]),
      signal: new AbortController().signal,
      concurrency: 8,
      mayStartEarly: () => true,
      emit: () => {},
      push: () => {},
    });
    for (let index = 0; index < 2000; index++) {
      early.inputStart(`c${index}`, 'fetch');
      early.inputDelta(`c${index}`, `{"label":"${index}"}`);
    }
    await early.cancel();
    // phaseOf and the start check parse each call a bounded number of times, not once per later call.
    expect(parses).toBeLessThan(2000 * 4);
  });
});
