import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { estimateMessageTokens, estimateTextTokens, messageText } from '../../../src/agent/context/estimate';
import { transcriptOf } from '../../../src/agent/context/summarise';

const content = `line "one"\n\ttabbed \\ back — é ✓ 😀\n${'x'.repeat(5000)}\n`;
const input = { path: 'a.txt', content, extra: [1, null, true] };
const messages: ModelMessage[] = [
  { role: 'user', content: 'write it — please' },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'thinking…' },
      { type: 'text', text: 'Writing.' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'write_file', input },
    ],
  },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'write_file', output: { type: 'text', value: 'Created a.txt (3 lines).' } }] },
  { role: 'user', content: [{ type: 'text', text: 'and this' }, { type: 'file', data: 'AAAA', mediaType: 'image/png' }] },
  {
    role: 'tool',
    content: [
      {
        type: 'tool-result',
        toolCallId: 'c9',
        toolName: 'read_file',
        output: { type: 'content', value: [{ type: 'text', text: 'shot.png: a PNG image.' }, { type: 'file', mediaType: 'image/png', data: { type: 'data', data: 'A'.repeat(40_000) } }] },
      },
    ],
  },
];

describe('estimateMessageTokens', () => {
  it('counts a message part by part as its whole text would count', () => {
    for (const message of messages) {
      expect(estimateMessageTokens(message)).toBe(4 + estimateTextTokens(messageText(message)));
    }
  });

  it('counts an image a tool returned as one part, never its base64 as text', () => {
    const tokens = estimateMessageTokens(messages.at(-1)!);
    expect(tokens).toBeGreaterThan(250);
    expect(tokens).toBeLessThan(400);
    expect(messageText(messages.at(-1)!)).not.toContain('AAAA');
  });
});

describe('transcriptOf', () => {
  it('shows the start of a big tool call and how much of its JSON is left out', () => {
    const json = JSON.stringify(input);
    const transcript = transcriptOf([messages[1]!], 100_000);
    expect(transcript).toContain(`ASSISTANT CALLED write_file ${json.slice(0, 600)} […${json.length - 600} more characters]`);
  });
});
