import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPolicyApproval } from '../../../src/agent/calls/approval';
import { runHeadless } from '../../../src/cli/headless';
import { createModel } from '../../../src/models/model';
import { startOpenAIServer, type ServerReply } from '../../helpers/openai-server';
import { startResponsesServer } from '../../helpers/responses-server';
import { createTempWorkspace } from '../../helpers/temp-workspace';

/** Runs one headless task against a loopback Chat Completions server; returns the request bodies it saw. */
async function runAgainst(cwd: string, replies: ServerReply[]): Promise<Record<string, any>[] & { stderr: string }> {
  const server = await startOpenAIServer(replies);
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk) => (err += chunk));
  const code = await runHeadless({
    setup: { cwd, model: (await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k' })).model },
    prompt: 'look around',
    outputFormat: 'text',
    requestApproval: createPolicyApproval({ allowedTools: new Set(), deniedFeedback: 'denied in headless' }),
    signal: new AbortController().signal,
    stdout: new PassThrough(),
    stderr,
  });
  expect(code).toBe(0);
  return Object.assign(server.requests, { stderr: err });
}

const read = (id: string, file: string) => ({ id, name: 'read_file', arguments: JSON.stringify({ path: file }) });
/** The tool messages of one request, by call id. */
const toolResults = (request: Record<string, any>) =>
  new Map<string, string>(request.messages.filter((message: any) => message.role === 'tool').map((message: any) => [message.tool_call_id, String(message.content)]));
const systemPrompt = (request: Record<string, any>) => String(request.messages.find((message: any) => message.role === 'system')?.content);

describe('instructions of subfolders, over HTTP', () => {
  it("puts the root's AGENTS.md in the system prompt and pkg/AGENTS.md after the first read in pkg, once", async () => {
    const cwd = await createTempWorkspace({
      'AGENTS.md': 'Root rule: run make check.\n',
      'pkg/AGENTS.md': 'Pkg rule: no default exports.\n',
      'pkg/a.ts': 'export const a = 1;\n',
      'pkg/b.ts': 'export const b = 2;\n',
      'other/c.ts': 'export const c = 3;\n',
    });
    const requests = await runAgainst(cwd, [
      { toolCalls: [read('r1', 'pkg/a.ts'), read('r2', 'pkg/b.ts'), read('r3', 'other/c.ts')] },
      { toolCalls: [read('r4', 'pkg/a.ts')] },
      { text: 'Done.' },
    ]);
    expect(requests).toHaveLength(3);
    expect(systemPrompt(requests[0]!)).toContain('## Project instructions (AGENTS.md)\nRoot rule: run make check.');
    expect(JSON.stringify(requests[0]!.messages)).not.toContain('Pkg rule');

    const first = toolResults(requests[1]!);
    expect(first.get('r1')).toContain('export const a = 1;');
    expect(first.get('r1')).toMatch(/\n\n\[Instructions from pkg\/AGENTS\.md apply to files under pkg\/\]\nPkg rule: no default exports\.\n$/);
    // The second read of the same folder in that response, and a read elsewhere, carry nothing more.
    expect(first.get('r2')).not.toContain('Pkg rule');
    expect(first.get('r3')).not.toContain('Instructions from');

    const second = toolResults(requests[2]!);
    expect(second.get('r4')).toContain('export const a = 1;');
    expect(second.get('r4')).not.toContain('Pkg rule');
    expect(JSON.stringify(requests[2]!.messages).split('Pkg rule').length - 1).toBe(1);
    expect(JSON.stringify(requests[2]!.messages).split('Root rule').length - 1).toBe(1);
    // The user sees it once too (headless: on stderr).
    expect(requests.stderr.split('\n').filter((line) => line.includes('AGENTS.md given'))).toEqual(['shoal: pkg/AGENTS.md given to the model: it applies to files under pkg/']);
  });

  it('reads CLAUDE.md where a folder has no AGENTS.md, at the root and below, and AGENTS.md first where both are', async () => {
    const cwd = await createTempWorkspace({
      'CLAUDE.md': 'Claude root rule.\n',
      'GEMINI.md': 'Gemini root rule.\n',
      'web/CLAUDE.md': 'Web rule from CLAUDE.md.\n',
      'web/page.ts': 'page\n',
      'api/AGENTS.md': 'Api rule from AGENTS.md.\n',
      'api/CLAUDE.md': 'Api rule from CLAUDE.md.\n',
      'api/route.ts': 'route\n',
      'docs/GEMINI.md': 'Docs rule from GEMINI.md.\n',
      'docs/guide.md': 'guide\n',
    });
    const requests = await runAgainst(cwd, [{ toolCalls: [read('w', 'web/page.ts'), read('a', 'api/route.ts'), read('d', 'docs/guide.md')] }, { text: 'Done.' }]);
    expect(systemPrompt(requests[0]!)).toContain('## Project instructions (CLAUDE.md)\nClaude root rule.');
    expect(systemPrompt(requests[0]!)).not.toContain('Gemini root rule');
    const results = toolResults(requests[1]!);
    expect(results.get('w')).toContain('[Instructions from web/CLAUDE.md apply to files under web/]\nWeb rule from CLAUDE.md.');
    expect(results.get('a')).toContain('[Instructions from api/AGENTS.md apply to files under api/]\nApi rule from AGENTS.md.');
    expect(JSON.stringify(requests[1]!.messages)).not.toContain('Api rule from CLAUDE.md');
    expect(results.get('d')).toContain('[Instructions from docs/GEMINI.md apply to files under docs/]\nDocs rule from GEMINI.md.');
  });

  it('never reads an AGENTS.md that is a symlink out of the workspace, in a subfolder or at the root', async () => {
    const outside = await createTempWorkspace({ 'secret.md': 'TOP SECRET outside text\n' });
    const cwd = await createTempWorkspace({ 'pkg/a.ts': 'a\n' });
    await symlink(path.join(outside, 'secret.md'), path.join(cwd, 'pkg', 'AGENTS.md'));
    await symlink(path.join(outside, 'secret.md'), path.join(cwd, 'AGENTS.md'));
    await mkdir(path.join(cwd, 'env'));
    await symlink('/proc/self/environ', path.join(cwd, 'env', 'AGENTS.md'));
    await writeFile(path.join(cwd, 'env', 'x.ts'), 'x\n');
    const requests = await runAgainst(cwd, [{ toolCalls: [read('p', 'pkg/a.ts'), { id: 'l', name: 'list_dir', arguments: '{"path":"env"}' }] }, { text: 'Done.' }]);
    const everything = JSON.stringify(requests);
    expect(everything).not.toContain('TOP SECRET');
    expect(everything).not.toContain('apply to files under pkg/');
    expect(everything).not.toContain('apply to files under env/');
    expect(everything).not.toContain('PATH=');
    expect(systemPrompt(requests[0]!)).not.toContain('## Project instructions');
    expect(toolResults(requests[1]!).get('p')).toBe('    1\ta');
  });

  it("travels in the Responses API's function_call_output, and the root's file in its instructions", async () => {
    const cwd = await createTempWorkspace({ 'AGENTS.md': 'Root rule.\n', 'pkg/CLAUDE.md': 'Pkg rule.\n', 'pkg/a.ts': 'a\n' });
    const server = await startResponsesServer([{ toolCalls: [{ callId: 'call_1', name: 'read_file', arguments: '{"path":"pkg/a.ts"}' }] }, { text: 'Done.' }]);
    const code = await runHeadless({
      setup: { cwd, model: (await createModel({ model: 'gpt-5.4', baseUrl: server.baseUrl, apiKey: 'k', api: 'responses' })).model },
      prompt: 'look',
      outputFormat: 'text',
      requestApproval: createPolicyApproval({ allowedTools: new Set(), deniedFeedback: 'denied' }),
      signal: new AbortController().signal,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });
    expect(code).toBe(0);
    expect(server.requests[0]!.input[0]).toMatchObject({ role: 'developer', content: expect.stringContaining('## Project instructions (AGENTS.md)\nRoot rule.') });
    const outputs = (server.requests[1]!.input as { type: string; call_id?: string; output?: string }[]).filter((item) => item.type === 'function_call_output');
    expect(outputs).toEqual([expect.objectContaining({ call_id: 'call_1', output: '    1\ta\n\n[Instructions from pkg/CLAUDE.md apply to files under pkg/]\nPkg rule.\n' })]);
  });
});
