import { describe, expect, it } from 'vitest';
import { isAllowedWithoutAsking, type RequestApproval } from '../../src/agent/calls/approval';
import { runAgent } from '../../src/agent/loop';
import type { ApprovalDecision } from '../../src/agent/nodes';
import { createRegistry } from '../../src/tools/registry';
import { createWebAccess } from '../../src/tools/web/access';
import { createWebFetchTool } from '../../src/tools/web-fetch';
import { collect, ofType, phasesOf } from '../helpers/collect';
import { createFakeTool } from '../helpers/fake-tools';
import { createScriptedModel } from '../helpers/scripted-model';
import { startWebServer, testNetwork } from '../helpers/web-server';

describe('web_fetch in the phases', () => {
  it('asks for the first fetch of a domain; after allow-session its next fetches run in the read-only batch', async () => {
    const site = await startWebServer({
      '/a.txt': (response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('page a\n'),
      '/b.txt': (response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('page b\n'),
    });
    const base = `http://docs.example.test:${site.port}`;
    const access = createWebAccess();
    const tools = createRegistry([
      createWebFetchTool({ access, network: testNetwork }),
      createFakeTool({ name: 'read_file', kind: 'read-only' }),
    ]);
    // Answers as the TUI does: `a` on a fetch prompt allows its host, and later requests consult the same access.
    const asked: string[] = [];
    const requestApproval: RequestApproval = async (request) => {
      if (isAllowedWithoutAsking({ mode: 'ask', request, sessionAllowed: new Set(), webAccess: access })) return { type: 'allow' };
      asked.push(request.preview?.type === 'fetch' ? request.preview.url : request.toolName);
      const decision: ApprovalDecision = { type: 'allow-session', domain: request.preview?.type === 'fetch' ? request.preview.host : undefined };
      if (decision.domain) access.allowForSession(decision.domain);
      return decision;
    };
    const model = createScriptedModel([
      { calls: [{ toolName: 'web_fetch', input: { url: `${base}/a.txt` } }] },
      {
        calls: [
          { toolName: 'web_fetch', input: { url: `${base}/b.txt` } },
          { toolName: 'read_file', input: { label: 'x.ts' } },
          { toolName: 'web_fetch', input: { url: `http://other.example.test:${site.port}/a.txt` } },
        ],
      },
      { text: 'done' },
    ]);
    const nodes = await collect(runAgent({ model, instructions: 'test', messages: [{ role: 'user', content: 'go' }], tools, signal: new AbortController().signal, requestApproval }));

    const phases = phasesOf(nodes).map((node) => ({ step: node.step, phase: node.phase, calls: node.calls.map((call) => call.description) }));
    expect(phases).toEqual([
      { step: 1, phase: 'write', calls: [`${base}/a.txt`] },
      { step: 2, phase: 'read-only', calls: [`${base}/b.txt`, 'x.ts'] },
      { step: 2, phase: 'write', calls: [`http://other.example.test:${site.port}/a.txt`] },
    ]);
    expect(asked).toEqual([`${base}/a.txt`, `http://other.example.test:${site.port}/a.txt`]);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('lets a second fetch of a domain in the same response run without asking once the first was allowed for the session', async () => {
    const site = await startWebServer({ '/a.txt': (response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('page a\n') });
    const url = `http://docs.example.test:${site.port}/a.txt`;
    const access = createWebAccess();
    let prompts = 0;
    const requestApproval: RequestApproval = async (request) => {
      if (isAllowedWithoutAsking({ mode: 'ask', request, sessionAllowed: new Set(), webAccess: access })) return { type: 'allow' };
      prompts += 1;
      access.allowForSession('docs.example.test');
      return { type: 'allow-session', domain: 'docs.example.test' };
    };
    const model = createScriptedModel([{ calls: [{ toolName: 'web_fetch', input: { url } }, { toolName: 'web_fetch', input: { url: `${url}?again` } }] }, { text: 'done' }]);
    const tools = createRegistry([createWebFetchTool({ access, network: testNetwork })]);
    const nodes = await collect(runAgent({ model, instructions: 'test', messages: [{ role: 'user', content: 'go' }], tools, signal: new AbortController().signal, requestApproval }));
    expect(prompts).toBe(1);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['ok', 'ok']);
  });
});
