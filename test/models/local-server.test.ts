import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeLocalServer } from '../../src/models/local-server';

describe('probeLocalServer', () => {
  it('offers a server that lists its models, naming the flags to use it', async () => {
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/v1/models' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: [{ id: 'qwen3-coder' }, { id: 'llama3.2' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      // A generous timeout: this checks the line, not the probe's speed on a busy machine.
      expect(await probeLocalServer({ baseUrl, timeoutMs: 10_000 })).toBe(
        `A local model server answers at ${baseUrl} (qwen3-coder, llama3.2): use it with --base-url ${baseUrl} --model qwen3-coder`,
      );
    } finally {
      server.close();
    }
  });

  it('says nothing, quickly, when nothing listens', async () => {
    const started = performance.now();
    expect(await probeLocalServer({ baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 300 })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
