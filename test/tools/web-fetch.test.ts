import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createWebAccess } from '../../src/tools/web/access';
import { nonPublicReason } from '../../src/tools/web/address';
import { createWebFetchTool, type WebFetchOptions } from '../../src/tools/web-fetch';
import { startWebServer, testNetwork } from '../helpers/web-server';

const ARTICLE = `<!doctype html><html><head><title>The Widget Guide</title></head><body>
<nav><a href="/">Home</a> · <a href="/blog">Blog</a></nav>
<article><h1>The Widget Guide</h1>
<h2>Installing widgets</h2>
<p>${'Widgets are installed with one command and configured with a small file in the project. '.repeat(8)}</p>
<p>Read <a href="/docs/api">the API reference</a> before you start.</p>
<pre><code>npm install widgets
widgets init --yes</code></pre>
<h2>Using widgets</h2>
<p>${'Call the widget from your code and pass it the options you need for the job at hand. '.repeat(8)}</p>
</article>
<script>document.write('tracking')</script>
</body></html>`;

const latin1Page = (declare: 'header' | 'meta') =>
  Buffer.from(
    `<!doctype html><html><head>${declare === 'meta' ? '<meta charset="iso-8859-1">' : ''}<title>Caf\u00e9 cr\u00e8me</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e \u00e0 la carte, na\u00efve fa\u00e7ade.</p></body></html>`,
    'latin1',
  );

async function startSite() {
  return startWebServer({
    '/article': (response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE),
    '/notes.txt': (response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('line one\nline two\n'),
    '/data.json': (response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    '/logo.png': (response) => response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(340 * 1024) }).end(Buffer.alloc(340 * 1024)),
    '/untyped': (response) => response.writeHead(200).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2])),
    '/latin1-header': (response) => response.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(latin1Page('header')),
    '/latin1-meta': (response) => response.writeHead(200, { 'content-type': 'text/html' }).end(latin1Page('meta')),
    '/gzip': (response) => response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('compressed words\n')),
    '/moved': (response) => response.writeHead(301, { location: '/hop' }).end(),
    '/hop': (response) => response.writeHead(302, { location: '/article' }).end(),
    '/to-loopback': (response, port) => response.writeHead(302, { location: `http://127.0.0.1:${port}/article` }).end(),
    '/to-metadata': (response) => response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-other': (response, port) => response.writeHead(302, { location: `http://other.example.test:${port}/article?from=docs` }).end(),
    '/hostile-type': (response) => {
      response.statusMessage = 'Gone \u009b31m';
      response.writeHead(410, { 'content-type': 'image/\u009b2Jpng' }).end(Buffer.from([0, 1]));
    },
    '/hostile-binary': (response) => response.writeHead(200, { 'content-type': 'image/\u009b2Jpng' }).end(Buffer.from([0, 1])),
    '/loop': (response) => response.writeHead(302, { location: '/loop' }).end(),
    '/trickle': (response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(timer));
    },
    '/endless': (response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(16 * 1024) + '\n';
      const pump = () => {
        while (response.write(chunk));
      };
      response.on('drain', pump);
      pump();
    },
  });
}

function fetchTool(options: Partial<WebFetchOptions> = {}) {
  return createWebFetchTool({ access: createWebAccess(), network: testNetwork, ...options });
}

const context = () => ({ signal: new AbortController().signal, toolCallId: 'c1', batchId: 'b', emit: () => {} });

describe('web_fetch', () => {
  it('turns an HTML article into markdown with its title, headings, code block and absolute links, and no script', async () => {
    const site = await startSite();
    const result = await fetchTool().execute({ url: `http://docs.example.test:${site.port}/article` }, context());
    expect(result.output.startsWith('# The Widget Guide\n')).toBe(true);
    expect(result.output).toContain('## Installing widgets');
    expect(result.output).toContain('```\nnpm install widgets\nwidgets init --yes\n```');
    expect(result.output).toContain(`[the API reference](http://docs.example.test:${site.port}/docs/api)`);
    expect(result.output).not.toContain('tracking');
    expect(result.output).not.toContain('Blog');
    expect(result.summary).toContain('text/html');
  });

  it('returns plain text, JSON and gzip-encoded text as they are', async () => {
    const site = await startSite();
    const tool = fetchTool();
    const base = `http://docs.example.test:${site.port}`;
    expect((await tool.execute({ url: `${base}/notes.txt` }, context())).output).toContain('\n\nline one\nline two\n');
    expect((await tool.execute({ url: `${base}/data.json` }, context())).output).toContain('{"ok":true}');
    expect((await tool.execute({ url: `${base}/gzip` }, context())).output).toContain('compressed words');
  });

  it('refuses a binary file with its type and size, typed or sniffed', async () => {
    const site = await startSite();
    const base = `http://docs.example.test:${site.port}`;
    await expect(fetchTool().execute({ url: `${base}/logo.png` }, context())).rejects.toThrow(
      `${base}/logo.png is image/png (340 KiB), not text; web_fetch reads pages and text files.`,
    );
    await expect(fetchTool().execute({ url: `${base}/untyped` }, context())).rejects.toThrow('is untyped binary data (8 bytes), not text');
  });

  it('keeps the server\'s header bytes out of its messages: a malformed type is sniffed, a reason phrase made printable', async () => {
    const site = await startSite();
    const base = `http://docs.example.test:${site.port}`;
    const binary = await fetchTool().execute({ url: `${base}/hostile-binary` }, context()).catch((error: Error) => error.message);
    expect(binary).toContain('is untyped binary data (2 bytes)');
    const gone = await fetchTool().execute({ url: `${base}/hostile-type` }, context()).catch((error: Error) => error.message);
    expect(gone).toContain('answered HTTP 410 Gone ?31m.');
    for (const message of [binary, gone]) expect(message).not.toMatch(/[\u0080-\u009f]/);
  });

  it('follows redirects on the same host and says where it came from', async () => {
    const site = await startSite();
    const base = `http://docs.example.test:${site.port}`;
    const result = await fetchTool().execute({ url: `${base}/moved` }, context());
    expect(result.output).toContain(`[Redirected from ${base}/moved to ${base}/article]`);
    expect(result.output).toContain('## Installing widgets');
    expect(result.summary).toContain('2 redirect(s)');
  });

  it('stops at a redirect to a host that is not allowed and tells the model to fetch it itself', async () => {
    const site = await startSite();
    const result = await fetchTool().execute({ url: `http://docs.example.test:${site.port}/to-other` }, context());
    expect(result.output).toContain(`redirects to http://other.example.test:${site.port}/article?from=docs`);
    expect(result.output).toContain('call web_fetch with that URL');
    expect(site.requests).toEqual(['/to-other']);
    const allowed = fetchTool({ access: createWebAccess({ domains: ['*.example.test'] }) });
    expect((await allowed.execute({ url: `http://docs.example.test:${site.port}/to-other` }, context())).output).toContain('## Installing widgets');
  });

  it('refuses a redirect to a loopback or metadata address, and never requests it', async () => {
    const site = await startSite();
    const base = `http://docs.example.test:${site.port}`;
    const tool = fetchTool({ access: createWebAccess({ isEveryDomainAllowed: true }) });
    await expect(tool.execute({ url: `${base}/to-loopback` }, context())).rejects.toThrow(`points to 127.0.0.1, a loopback address (this machine)`);
    await expect(tool.execute({ url: `${base}/to-metadata` }, context())).rejects.toThrow('points to 169.254.169.254, the cloud metadata address');
    expect(site.requests).toEqual(['/to-loopback', '/to-metadata']);
  });

  it('refuses a private URL directly, in the preview and when run, unless webAllowPrivate', async () => {
    const site = await startSite();
    for (const url of [`http://127.0.0.1:${site.port}/article`, `http://[::ffff:127.0.0.1]:${site.port}/article`, 'http://10.0.0.8/', 'http://0x7f000001/']) {
      await expect(fetchTool().preview!({ url })).rejects.toThrow('web_fetch reads only the public internet');
      await expect(fetchTool().execute({ url }, context())).rejects.toThrow('"webAllowPrivate": true');
    }
    // A name that resolves to loopback, through the real resolver.
    await expect(createWebFetchTool({ access: createWebAccess() }).execute({ url: `http://localhost:${site.port}/article` }, context())).rejects.toThrow(
      'a loopback address',
    );
    expect(site.requests).toEqual([]);
    const allowed = createWebFetchTool({ access: createWebAccess({ isPrivateAllowed: true }) });
    expect((await allowed.execute({ url: `http://127.0.0.1:${site.port}/notes.txt` }, context())).output).toContain('line one');
  });

  it('classes loopback, link-local, private, CGNAT, unique-local, mapped, unspecified and multicast addresses as not public', () => {
    for (const address of ['127.0.0.1', '::1', '169.254.169.254', '10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', '64:ff9b::a00:1']) {
      expect(nonPublicReason(address), address).toBeDefined();
    }
    for (const address of ['93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8']) expect(nonPublicReason(address), address).toBeUndefined();
  });

  it('refuses other schemes and credentials in the URL, and gives up after five redirects', async () => {
    const site = await startSite();
    await expect(fetchTool().execute({ url: 'file:///etc/passwd' }, context())).rejects.toThrow('http and https URLs only, not file:');
    await expect(fetchTool().execute({ url: 'https://user:secret@docs.example.test/' }, context())).rejects.toThrow('never sends credentials');
    await expect(fetchTool().execute({ url: `http://docs.example.test:${site.port}/loop` }, context())).rejects.toThrow('redirected more than 5 times');
  });

  it('stops reading a body past the cap and says so', async () => {
    const site = await startSite();
    const result = await fetchTool({ maxBodyBytes: 64 * 1024 }).execute({ url: `http://docs.example.test:${site.port}/endless` }, context());
    expect(result.output).toContain('[Only the first 64 KiB of the page were read]');
    expect(result.output.length).toBeLessThan(70 * 1024);
  });

  it('cuts long markdown at maxChars with a note', async () => {
    const site = await startSite();
    const result = await fetchTool({ maxBodyBytes: 64 * 1024 }).execute({ url: `http://docs.example.test:${site.port}/endless`, maxChars: 1000 }, context());
    expect(result.output).toMatch(/\[Cut at 1000 of \d+ characters; the rest of the page is not shown/);
  });

  it('times out a server that trickles forever', async () => {
    const site = await startSite();
    const started = performance.now();
    await expect(fetchTool({ timeoutMs: 400 }).execute({ url: `http://docs.example.test:${site.port}/trickle` }, context())).rejects.toThrow(
      'did not finish within 0.4 s',
    );
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('stops at once when the call is interrupted, without calling it a timeout', async () => {
    const site = await startSite();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Interrupted by the user')), 100);
    const running = fetchTool().execute({ url: `http://docs.example.test:${site.port}/trickle` }, { ...context(), signal: controller.signal });
    await expect(running).rejects.toThrow('Interrupted by the user');
  });

  it('times out a name that never resolves', async () => {
    const hanging = { lookup: () => new Promise<never>(() => {}) };
    await expect(fetchTool({ timeoutMs: 200, network: hanging }).execute({ url: 'http://slow.example.test/' }, context())).rejects.toThrow('did not finish within 0.2 s');
  });

  it('decodes a latin1 page by its header charset and by its meta charset', async () => {
    const site = await startSite();
    for (const path of ['/latin1-header', '/latin1-meta']) {
      const result = await fetchTool().execute({ url: `http://docs.example.test:${site.port}${path}` }, context());
      expect(result.output, path).toContain('# Café crème');
      expect(result.output, path).toContain('Crème brûlée à la carte, naïve façade.');
    }
  });

  it('is a gated call for a domain that is not allowed and a read for one that is', () => {
    const access = createWebAccess({ domains: ['*.mozilla.org', 'docs.python.org'] });
    const tool = createWebFetchTool({ access });
    expect(tool.kindOf!({ url: 'https://developer.mozilla.org/en-US/' })).toBe('read-only');
    expect(tool.kindOf!({ url: 'https://docs.python.org/3/' })).toBe('read-only');
    expect(tool.kindOf!({ url: 'https://mozilla.org/' })).toBe('write');
    expect(tool.kindOf!({ url: 'https://evilmozilla.org/' })).toBe('write');
    expect(tool.kindOf!({ url: 'https://docs.python.org.evil.test/' })).toBe('write');
    access.allowForSession('example.com');
    expect(tool.kindOf!({ url: 'https://example.com/a' })).toBe('read-only');
    expect(tool.kindOf!({ url: 'https://www.example.com/a' })).toBe('write');
  });

  it('in a research agent, refuses a domain that is not allowed and tells it to leave the fetch to the main agent', async () => {
    const site = await startSite();
    const tool = createWebFetchTool({ access: createWebAccess({ domains: ['docs.example.test'] }), network: testNetwork, isAskingPossible: false });
    expect(tool.kindOf!({ url: 'http://other.example.test/' })).toBe('read-only');
    await expect(tool.execute({ url: `http://other.example.test:${site.port}/article` }, context())).rejects.toThrow(
      'a research agent cannot ask. Do not fetch it another way; name',
    );
    expect((await tool.execute({ url: `http://docs.example.test:${site.port}/notes.txt` }, context())).output).toContain('line one');
  });
});
