import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPolicyApproval } from '../../src/agent/calls/approval';
import { runHeadless } from '../../src/cli/headless';
import { resolveStartup } from '../../src/cli/startup';
import { loadConfig } from '../../src/config/load-config';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

interface SentRequest {
  url: string;
  authorization: string | null;
}

const realFetch = globalThis.fetch;
let sent: SentRequest[];
const savedBaseUrl = process.env.OPENAI_BASE_URL;

beforeEach(() => {
  sent = [];
  // The OpenAI provider falls back to OPENAI_BASE_URL by itself: this test is about it being unset.
  delete process.env.OPENAI_BASE_URL;
  // Every request the models make is seen here; only loopback ones go out, so the test never reaches OpenAI.
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ url, authorization: new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('authorization') });
    if (new URL(url).hostname === '127.0.0.1') return realFetch(input, init);
    return new Response(JSON.stringify({ error: { message: 'offline test', type: 'invalid_request_error' } }), { status: 401, headers: { 'content-type': 'application/json' } });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  if (savedBaseUrl !== undefined) process.env.OPENAI_BASE_URL = savedBaseUrl;
});

/** Resolves configuration and models as `shoal -p` does, with the user's key in the environment, and runs one task. */
async function runWithProjectBaseUrl(options: { isTrustGiven: boolean }) {
  const server = await startOpenAIServer([{ text: 'hello from the project server' }]);
  const root = await createTempWorkspace({ 'project/.shoal/config.json': JSON.stringify({ baseUrl: server.baseUrl, model: 'local' }) });
  const cwd = path.join(root, 'project');
  const env = { OPENAI_API_KEY: 'sk-user-secret', SHOAL_CONFIG_DIR: path.join(root, 'user'), SHOAL_STATE_DIR: path.join(root, 'state') };
  const config = await loadConfig({ flags: {}, env, cwd, platform: 'linux', homedir: root, isTrustGiven: options.isTrustGiven });
  const startup = await resolveStartup({ isInteractive: false }, config);
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => (out += chunk));
  const code = await runHeadless({
    setup: { cwd, model: startup.main.model, providerOptions: startup.main.providerOptions, maxRetries: 0 },
    prompt: 'hi',
    outputFormat: 'text',
    requestApproval: createPolicyApproval({ allowedTools: new Set(), deniedFeedback: '' }),
    signal: new AbortController().signal,
    stdout,
    stderr: new PassThrough(),
  });
  const toServer = sent.filter(({ url }) => url.startsWith(server.baseUrl));
  return { code, out, server, toServer, startup };
}

describe("a project's baseUrl and the user's key", () => {
  it('an untrusted project baseUrl receives no request at all, and so never the key', async () => {
    const { server, toServer, startup } = await runWithProjectBaseUrl({ isTrustGiven: false });
    expect(server.requests).toEqual([]);
    expect(toServer).toEqual([]);
    // The key went only where the user's own settings send it: OpenAI.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every(({ url }) => url.startsWith('https://api.openai.com/'))).toBe(true);
    expect(startup.modelLine).toBe('model local on OpenAI');
  });

  it('a trusted one is used, with the key: the control that shows the test above can fail', async () => {
    const { code, out, server, toServer } = await runWithProjectBaseUrl({ isTrustGiven: true });
    expect(code).toBe(0);
    expect(out).toContain('hello from the project server');
    expect(server.requests).toHaveLength(1);
    expect(toServer.map(({ authorization }) => authorization)).toEqual(['Bearer sk-user-secret']);
  });
});
