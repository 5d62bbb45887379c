import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPolicyApproval } from '../../src/agent/calls/approval';
import { runHeadless, type HeadlessOptions, type HeadlessSummary } from '../../src/cli/headless';
import { createModel } from '../../src/models/model';
import { startOpenAIServer, type ServerReply } from '../helpers/openai-server';
import { createScriptedModel, type ScriptedStep } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { createWebAccess, type WebAccess } from '../../src/tools/web/access';
import { startWebServer } from '../helpers/web-server';

async function headless(options: {
  cwd: string;
  steps?: ScriptedStep[];
  /** A loopback server to talk to over HTTP instead of the scripted steps. */
  baseUrl?: string;
  format?: HeadlessOptions['outputFormat'];
  allow?: string[];
  webAccess?: WebAccess;
}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const model = createScriptedModel(options.steps ?? []);
  const code = await runHeadless({
    setup: { cwd: options.cwd, model: options.baseUrl ? (await createModel({ model: 'm', baseUrl: options.baseUrl, apiKey: 'k' })).model : model, webAccess: options.webAccess },
    prompt: 'do it',
    outputFormat: options.format ?? 'text',
    requestApproval: createPolicyApproval({ allowedTools: new Set(options.allow ?? []), deniedFeedback: 'denied in headless', webAccess: options.webAccess }),
    signal: new AbortController().signal,
    stdout,
    stderr,
  });
  return { code, out, err, model };
}

describe('runHeadless', () => {
  it('streams the answer to stdout and one line per tool call to stderr', async () => {
    const cwd = await createTempWorkspace({ 'notes.txt': 'one\ntwo\n', 'src/app.ts': 'export {};\n' });
    const { code, out, err } = await headless({
      cwd,
      steps: [
        { calls: [{ toolName: 'read_file', input: { path: 'notes.txt' } }, { toolName: 'glob', input: { pattern: '**/*.ts' } }] },
        { text: 'notes.txt has two lines.' },
      ],
    });
    expect(code).toBe(0);
    expect(out).toBe('notes.txt has two lines.\n');
    expect(err).toMatch(/✓ read_file notes\.txt/);
    expect(err).toMatch(/✓ glob /);
  });

  it('prints one JSON summary with the answer, usage and tool-call counts', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\n' });
    const { code, out } = await headless({
      cwd,
      format: 'json',
      steps: [
        { calls: [{ toolName: 'read_file', input: { path: 'a.txt' } }, { toolName: 'read_file', input: { path: 'missing.txt' } }] },
        { text: 'Done.' },
      ],
    });
    expect(code).toBe(0);
    const summary = JSON.parse(out) as HeadlessSummary;
    expect(summary).toMatchObject({
      result: 'Done.',
      reason: 'done',
      steps: 2,
      usage: { inputTokens: 20, outputTokens: 10 },
      toolCalls: { total: 2, byStatus: { ok: 1, error: 1, denied: 0, cancelled: 0 }, byTool: { read_file: 2 } },
    });
  });

  it('reports the time calls started while the response streamed saved, and says on stderr when a cut response is discarded', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const server = await startOpenAIServer([
      { text: 'Half an', toolCalls: [{ id: 'cut', name: 'read_file', arguments: '{"path":"a.txt"}' }], cutOff: true, isReset: true },
      {
        toolCalls: [
          { id: 'ra', name: 'read_file', arguments: '{"path":"a.txt"}' },
          { id: 'rb', name: 'read_file', arguments: '{"path":"b.txt"}' },
        ],
        pace: { gapMs: 100, trailingMs: 300 },
      },
      { text: 'Both read.' },
    ]);
    const json = await headless({ cwd, baseUrl: server.baseUrl, format: 'json' });
    const summary = JSON.parse(json.out) as HeadlessSummary;
    expect(summary).toMatchObject({ result: 'Both read.', reason: 'done', toolCalls: { byStatus: { ok: 2 } } });
    expect(summary.retries).toHaveLength(1);
    // Both reads ran (a few ms each) while the model spent its last 300 ms writing: all of their time was saved.
    expect(summary.overlapSavedMs).toBeGreaterThan(0);
    expect(summary.overlapSavedMs).toBeLessThan(300);
    await server.close();

    const again = await startOpenAIServer([
      { text: 'Half an', toolCalls: [{ id: 'cut', name: 'read_file', arguments: '{"path":"a.txt"}' }], cutOff: true },
      { text: 'Whole answer.' },
    ]);
    const text = await headless({ cwd, baseUrl: again.baseUrl });
    expect(text.out).toBe('Half an\nWhole answer.\n');
    expect(text.err).toContain('closed before the response finished');
    expect(text.err).toContain('What it said above is discarded.');
    await again.close();
  });

  it('prints every node as one JSON line with stream-json', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\n' });
    const { out } = await headless({
      cwd,
      format: 'stream-json',
      steps: [{ calls: [{ toolName: 'list_dir', input: {} }] }, { text: 'ok' }],
    });
    const nodes = out.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(nodes[0]!.type).toBe('run-start');
    expect(nodes.at(-1)!.type).toBe('run-end');
    expect(nodes.map((node) => node.type)).toContain('phase-start');
  });

  it('denies writes unless allowed, tells the model, and goes on', async () => {
    const cwd = await createTempWorkspace();
    const steps: ScriptedStep[] = [
      { calls: [{ toolName: 'write_file', input: { path: 'out.txt', content: 'hello\n' } }] },
      { text: 'Tried to write.' },
    ];
    const denied = await headless({ cwd, steps });
    expect(denied.code).toBe(0);
    expect(existsSync(path.join(cwd, 'out.txt'))).toBe(false);
    expect(denied.err).toMatch(/⊘ write_file out\.txt/);
    const sent = JSON.stringify(denied.model.doStreamCalls[1]!.prompt);
    expect(sent).toContain('execution-denied');
    expect(sent).toContain('denied in headless');

    const allowed = await headless({ cwd, steps, allow: ['write_file'] });
    expect(allowed.code).toBe(0);
    expect(await readFile(path.join(cwd, 'out.txt'), 'utf8')).toBe('hello\n');
  });

  it('exits non-zero with a one-line reason when the model fails', async () => {
    const cwd = await createTempWorkspace();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (chunk) => (err += chunk));
    const code = await runHeadless({
      setup: {
        cwd,
        model: createScriptedModel(() => {
          throw new Error('boom');
        }),
        maxRetries: 0,
      },
      prompt: 'x',
      outputFormat: 'text',
      requestApproval: createPolicyApproval({ allowedTools: new Set(), deniedFeedback: '' }),
      signal: new AbortController().signal,
      stdout: new PassThrough(),
      stderr,
    });
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^shoal: .*boom/);
  });

  it("fails on LM Studio's empty 200 for an over-full prompt, with the last step's text as the result", async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'alpha\n' });
    const replies: ServerReply[] = [
      { text: 'Reading a.txt.', toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"a.txt"}' }] },
      { empty: true },
    ];
    const json = await headless({ cwd, format: 'json', baseUrl: (await startOpenAIServer(replies)).baseUrl });
    expect(json.code).toBe(1);
    expect(json.err).toMatch(/^shoal: The model server returned an empty response .*context size\.\n$/);
    const summary = JSON.parse(json.out) as HeadlessSummary;
    expect(summary).toMatchObject({ reason: 'error', result: '', errorKind: { kind: 'context-overflow', isCertain: false } });

    const text = await headless({ cwd, baseUrl: (await startOpenAIServer(replies)).baseUrl });
    expect(text.code).toBe(1);
    expect(text.out).toBe('Reading a.txt.\n');
    expect(text.err).toContain('empty response');
  });

  it('reports retries in the JSON summary', async () => {
    const cwd = await createTempWorkspace();
    const server = await startOpenAIServer([
      { raw: { status: 429, headers: { 'retry-after-ms': '10' }, body: JSON.stringify({ error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }) } },
      { text: 'Done.' },
    ]);
    const { code, out } = await headless({ cwd, format: 'json', baseUrl: server.baseUrl });
    expect(code).toBe(0);
    const summary = JSON.parse(out) as HeadlessSummary;
    expect(summary).toMatchObject({ reason: 'done', result: 'Done.', retries: [{ step: 1, attempt: 1, delayMs: 10, reason: expect.stringContaining('Rate limit reached') }] });
  });

  it('ends the retry line before the error that follows it', async () => {
    const cwd = await createTempWorkspace();
    const server = await startOpenAIServer([
      { raw: { status: 503, headers: { 'retry-after': '0' }, body: 'Service Unavailable' } },
      { raw: { status: 400, body: JSON.stringify({ object: 'error', message: 'Invalid model: m', type: 'invalid_model', param: null, code: '1500' }) } },
    ]);
    const { code, err } = await headless({ cwd, baseUrl: server.baseUrl });
    expect(code).toBe(1);
    expect(err.split('\n')).toEqual([
      'shoal: The model server failed (503): Service Unavailable. Retrying now (attempt 1 of 3).',
      'shoal: The model server failed (400): Invalid model: m.',
      '',
    ]);
  });

  it('denies a fetch of a domain nobody allowed, telling the model how the user can allow it, without touching the network', async () => {
    const cwd = await createTempWorkspace();
    const { code, model, err } = await headless({
      cwd,
      format: 'text',
      webAccess: createWebAccess(),
      steps: [{ calls: [{ toolName: 'web_fetch', input: { url: 'https://secret-data.docs.example.test/page' } }] }, { text: 'could not fetch' }],
    });
    expect(code).toBe(0);
    expect(err).toContain('⊘ web_fetch https://secret-data.docs.example.test/page');
    const toolMessage = JSON.stringify(model.doStreamCalls[1]!.prompt.at(-1));
    expect(toolMessage).toContain('Fetching secret-data.docs.example.test is denied');
    expect(toolMessage).toContain('--allow web_fetch (every public domain)');
    expect(toolMessage).toContain('\\"secret-data.docs.example.test\\" to \\"webDomains\\"');
  });

  it('runs fetches as reads when --allow web_fetch allows every domain (private addresses still need webAllowPrivate)', async () => {
    const cwd = await createTempWorkspace();
    const site = await startWebServer({ '/notes.txt': (response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('fetched words\n') });
    const url = `http://127.0.0.1:${site.port}/notes.txt`;
    const steps = [{ calls: [{ toolName: 'web_fetch', input: { url } }] }, { text: 'done' }];
    const allowed = await headless({ cwd, format: 'stream-json', allow: ['web_fetch'], webAccess: createWebAccess({ isEveryDomainAllowed: true, isPrivateAllowed: true }), steps });
    const nodes = allowed.out.trim().split('\n').map((line) => JSON.parse(line) as { type: string; phase?: string; status?: string; output?: string });
    expect(nodes.find((node) => node.type === 'phase-start')?.phase).toBe('read-only');
    expect(nodes.some((node) => node.type === 'approval-request')).toBe(false);
    expect(nodes.find((node) => node.type === 'tool-call-end')?.output).toContain('fetched words');

    const refused = await headless({ cwd, format: 'stream-json', allow: ['web_fetch'], webAccess: createWebAccess({ isEveryDomainAllowed: true }), steps });
    expect(refused.out).toContain('web_fetch reads only the public internet');
    expect(site.requests).toEqual(['/notes.txt']);
  });
});
