import type { ToolResultPart } from 'ai';
import { describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agent/loop';
import { capStepImages, capStepOutputs, MAX_STEP_OUTPUT_BYTES } from '../../src/agent/step-output-cap';
import { createReadFileTool } from '../../src/tools/read-file';
import { createRegistry } from '../../src/tools/registry';
import { collect } from '../helpers/collect';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const textResult = (id: string, value: string, type: 'text' | 'error-text' = 'text'): ToolResultPart => ({
  type: 'tool-result',
  toolCallId: id,
  toolName: 'read_file',
  output: { type, value },
});
const valueOf = (part: ToolResultPart) => (part.output as { value: string }).value;

const imageResult = (id: string, data: string): ToolResultPart => ({
  type: 'tool-result',
  toolCallId: id,
  toolName: 'read_file',
  output: { type: 'content', value: [{ type: 'text', text: `${id}.png: a PNG image.` }, { type: 'file', mediaType: 'image/png', data: { type: 'data', data } }] },
});

describe('capStepImages', () => {
  it('keeps images in call order while they fit, and turns the rest into their text with a note', () => {
    const parts = [imageResult('a', 'A'.repeat(600)), textResult('t', 'text'), imageResult('b', 'B'.repeat(300)), imageResult('c', 'C'.repeat(500))];
    const capped = capStepImages(parts, 1000);
    expect(capped.slice(0, 3)).toEqual(parts.slice(0, 3));
    expect(capped[3]!.output).toEqual({
      type: 'text',
      value: 'c.png: a PNG image.\n[The image was not sent: the images of this response came to over 1000 bytes. Read fewer images in one response.]',
    });
  });
});

describe('capStepOutputs', () => {
  it('leaves a step under the cap untouched', () => {
    const parts = [textResult('a', 'x'.repeat(100)), textResult('b', 'y'.repeat(100))];
    expect(capStepOutputs(parts, 1000)).toEqual(parts);
  });

  it('cuts the largest outputs to a common size, keeps the small ones whole, and says how to get the rest', () => {
    const small = textResult('small', 'tiny');
    const lines = Array.from({ length: 400 }, (_, index) => `line ${index}`).join('\n');
    const capped = capStepOutputs([small, textResult('big', lines), textResult('bigger', `${lines}\n${lines}`, 'error-text')], 2000);
    expect(capped[0]).toBe(small);
    for (const part of capped.slice(1)) {
      const [kept, note] = valueOf(part).split('\n[Cut to ');
      expect(Buffer.byteLength(kept!)).toBeLessThanOrEqual(998);
      // Whole lines only.
      expect(kept!.split('\n').every((line) => /^line \d+$/.test(line))).toBe(true);
      expect(note).toContain('the 3 tool results of this response came to');
      expect(note).toContain('read_file with offset and limit');
    }
    expect(capped[2]!.output.type).toBe('error-text');
  });

  it('never splits a UTF-8 character', () => {
    const [capped] = capStepOutputs([textResult('a', 'é'.repeat(1000))], 101);
    expect(valueOf(capped!)).toMatch(/^é{50}\n\[Cut to 100 bytes of/);
  });
});

describe('a response of thousands of reads', () => {
  it('sends the model at most the step cap of tool output, plus a short note per cut call', async () => {
    const cwd = await createTempWorkspace({ 'big.txt': `${'some text of a file\n'.repeat(1300)}` });
    const calls = Array.from({ length: 500 }, () => ({ toolName: 'read_file', input: { path: 'big.txt' } }));
    const model = createScriptedModel([{ calls }, { text: 'done' }]);
    await collect(
      runAgent({
        model,
        tools: createRegistry([createReadFileTool({ cwd })]),
        instructions: 'test',
        messages: [{ role: 'user', content: 'read it all' }],
        signal: new AbortController().signal,
        requestApproval: async () => ({ type: 'allow' }),
      }),
    );
    const results = model.doStreamCalls[1]!.prompt.flatMap((message) => (message.role === 'tool' ? message.content : []));
    expect(results).toHaveLength(500);
    const values = results.map((part) => (part.type === 'tool-result' ? (part.output as { value: string }).value : ''));
    const content = values.map((value) => value.split('\n[Cut to ')[0]!);
    // 500 x 26 KB came to 13 MB before; now the content fits the cap and every result says it was cut.
    expect(content.reduce((sum, value) => sum + Buffer.byteLength(value), 0)).toBeLessThanOrEqual(MAX_STEP_OUTPUT_BYTES);
    expect(values.every((value) => value.includes('[Cut to '))).toBe(true);
    expect(values.reduce((sum, value) => sum + Buffer.byteLength(value), 0)).toBeLessThan(MAX_STEP_OUTPUT_BYTES + 500 * 400);
  }, 60_000);
});
