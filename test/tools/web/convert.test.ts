import { describe, expect, it } from 'vitest';
import { convertHtml } from '../../../src/tools/web/convert';

/** About `bytes` of dense article HTML: a page that takes seconds of CPU to convert. */
function bigPage(bytes: number): string {
  let html = '<html><head><title>Big</title></head><body><article>';
  while (html.length < bytes) html += '<h2>Section</h2><p>Some <a href="/x">text</a> with <code>code()</code> and more words.</p>';
  return `${html}</article></body></html>`;
}

describe('web page conversion on its own thread', () => {
  it('converts a page and keeps shoal responsive while a big one converts', async () => {
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    try {
      const page = await convertHtml({ html: bigPage(600_000), url: 'https://example.test/', signal: new AbortController().signal });
      expect(page.title).toBe('Big');
      expect(page.markdown).toContain('## Section');
      expect(page.markdown).toContain('(https://example.test/x)');
    } finally {
      clearInterval(ticker);
    }
    // On shoal's own thread this page blocks the event loop for a second or more.
    expect(longestGap).toBeLessThan(250);
  });

  it('stops at once when the call is interrupted', async () => {
    const controller = new AbortController();
    const converting = convertHtml({ html: bigPage(1_000_000), url: 'https://example.test/', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('Interrupted')), 100);
    const started = performance.now();
    await expect(converting).rejects.toThrow('Interrupted');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
