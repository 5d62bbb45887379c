import { describe, expect, it } from 'vitest';
import { formatMcpResult, MCP_OUTPUT_MAX_BYTES } from '../../src/tools/mcp/result';
import { capLines } from '../../src/tools/output-cap';

describe('capLines', () => {
  it('keeps the start of one line longer than the whole budget, marked, rather than nothing', () => {
    const line = `{"items":[${Array.from({ length: 5000 }, (_, index) => `{"id":${index},"name":"é${index}"}`).join(',')}]}`;
    const { lines, cutBy } = capLines([line], { maxLines: Infinity, maxBytes: 30_000 });
    expect(cutBy).toBe('bytes');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith('{"items":[{"id":0,"name":"é0"}')).toBe(true);
    expect(lines[0]).toMatch(/… \[line cut at 29\.\d KiB of \d+(\.\d)? KiB\]$/);
    expect(Buffer.byteLength(lines[0]!) + 1).toBeLessThanOrEqual(30_000);
    expect(lines[0]).not.toContain('\uFFFD');
  });

  it('keeps whole lines only, when the lines kept already use most of the budget', () => {
    const lines = [...Array.from({ length: 30 }, () => 'x'.repeat(999)), 'y'.repeat(10_000)];
    const capped = capLines(lines, { maxLines: Infinity, maxBytes: 40_000 });
    expect(capped).toEqual({ lines: lines.slice(0, 30), cutBy: 'bytes' });
  });
});

describe('an MCP result of one long line (minified JSON)', () => {
  it('reaches the model as its first 30 KB and the cut note, not the note alone', () => {
    const json = JSON.stringify({ rows: Array.from({ length: 4000 }, (_, index) => ({ id: index, title: `issue ${index}` })) });
    const { text } = formatMcpResult({ content: [{ type: 'text', text: json }] });
    expect(text.startsWith('{"rows":[{"id":0,"title":"issue 0"}')).toBe(true);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MCP_OUTPUT_MAX_BYTES - 1024);
    expect(text).toContain('[Output cut at');
  });
});
