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
    const started = performance.now();
    let took = 0;
    try {
      const page = await convertHtml({ html: bigPage(600_000), url: 'https://example.test/', signal: new AbortController().signal });
      took = performance.now() - started;
      expect(page.title).toBe('Big');
      expect(page.markdown).toContain('## Section');
      expect(page.markdown).toContain('(https://example.test/x)');
    } finally {
      clearInterval(ticker);
    }
    // On shoal's own thread this page would block the event loop for the whole conversion (a second or more);
    // judged against the conversion's own time, so a busy machine, slow at both, gives the same verdict.
    expect(longestGap).toBeLessThan(Math.max(250, took / 4));
  });

  it('stops at once when the call is interrupted', async () => {
    const controller = new AbortController();
    // Seconds of work (several on a busy machine); the interruption ends it long before.
    const converting = convertHtml({ html: bigPage(2_000_000), url: 'https://example.test/', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('Interrupted')), 100);
    const started = performance.now();
    await expect(converting).rejects.toThrow('Interrupted');
    expect(performance.now() - started).toBeLessThan(2500);
  });
});
