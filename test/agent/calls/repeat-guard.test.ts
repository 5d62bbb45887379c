import { describe, expect, it } from 'vitest';
import { createRepeatGuard } from '../../../src/agent/calls/repeat-guard';

const call = (input: unknown, toolName = 'write_file') => ({ toolCallId: 'c', toolName, input });

describe('createRepeatGuard', () => {
  it('stops the third response in a row holding the same call, whatever the key order, and quotes its start', () => {
    const guard = createRepeatGuard();
    const content = `${'a'.repeat(4 * 1024 * 1024)}\n`;
    expect(guard.check([call({ path: 'big.txt', content })])).toBeUndefined();
    expect(guard.mayRepeat(call({ content, path: 'big.txt' }))).toBe(false);
    expect(guard.check([call({ content, path: 'big.txt' })])).toBeUndefined();
    expect(guard.mayRepeat(call({ path: 'big.txt', content }))).toBe(true);
    const stop = guard.check([call({ path: 'big.txt', content })]);
    expect(stop?.reason).toBe('repeated-call');
    expect(stop?.message).toBe(`The model made the same call 3 times in a row (write_file {"content":"${'a'.repeat(97)}), so shoal stopped it. Tell it how to go on.`);
  });

  it('tells apart inputs that differ anywhere, and tools with the same input', () => {
    const guard = createRepeatGuard();
    const inputs = [{ path: 'a', content: 'x"y' }, { path: 'a', content: 'x\\"y' }, { path: 'a', content: 'x"y' }];
    for (const input of inputs) expect(guard.check([call(input)])).toBeUndefined();
    const other = createRepeatGuard();
    for (const toolName of ['write_file', 'update_file', 'write_file']) expect(other.check([call({ path: 'a' }, toolName)])).toBeUndefined();
    const arrays = createRepeatGuard();
    for (const input of [{ list: ['a', 'b'] }, { list: ['ab'] }, { list: ['a', 'b'] }]) expect(arrays.check([call(input)])).toBeUndefined();
  });
});
