import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPolicyApproval } from '../../src/agent/calls/approval';
import { runHeadless } from '../../src/cli/headless';
import { createModel } from '../../src/models/model';
import { startOpenAIServer, type ServerReply } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

async function headlessInit(cwd: string, prompt: string, reply: (body: Record<string, any>) => ServerReply, allow: string[] = []) {
  const server = await startOpenAIServer((body) => reply(body));
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk) => (err += chunk));
  const code = await runHeadless({
    setup: { cwd, model: (await createModel({ model: 'm', baseUrl: server.baseUrl, apiKey: 'k' })).model },
    prompt,
    outputFormat: 'text',
    requestApproval: createPolicyApproval({ allowedTools: new Set(allow), deniedFeedback: 'denied in headless' }),
    signal: new AbortController().signal,
    stdout: new PassThrough(),
    stderr,
  });
  return { code, err, requests: server.requests };
}

const isResearch = (body: Record<string, any>) => String(body.messages[0].content).startsWith('You are a research sub-agent');
const toolMessages = (body: Record<string, any>) => body.messages.filter((message: any) => message.role === 'tool').length;

describe('shoal -p "/init"', () => {
  it('fans out three research sub-agents from one response, then writes AGENTS.md when writes are allowed', async () => {
    const cwd = await createTempWorkspace({ 'package.json': '{"scripts":{"test":"vitest"}}' });
    const question = (id: string, text: string) => ({ id, name: 'research_codebase', arguments: JSON.stringify({ question: text }) });
    const { code, requests } = await headlessInit(
      cwd,
      '/init',
      (body) => {
        if (isResearch(body)) return { text: 'npm test runs vitest (package.json:1).' };
        if (toolMessages(body) === 0) return { toolCalls: [question('q1', 'build, test, run'), question('q2', 'layout'), question('q3', 'conventions')] };
        if (toolMessages(body) === 3) return { toolCalls: [{ id: 'w', name: 'write_file', arguments: JSON.stringify({ path: 'AGENTS.md', content: '# Repository Guidelines\n\n`npm test`\n' }) }] };
        return { text: 'AGENTS.md covers npm test.' };
      },
      ['write_file'],
    );
    expect(code).toBe(0);
    const main = requests.filter((body) => !isResearch(body));
    const prompt = JSON.stringify(main[0]!.messages.find((message: any) => message.role === 'user'));
    expect(prompt).toContain('/init');
    expect(prompt).toContain('three research_codebase calls');
    expect(requests.filter(isResearch)).toHaveLength(3);
    // The three reports answer the one response that asked for them.
    expect(main[1]!.messages.filter((message: any) => message.role === 'tool').map((message: any) => message.content)).toEqual(
      Array(3).fill(expect.stringContaining('npm test runs vitest')),
    );
    expect(await readFile(path.join(cwd, 'AGENTS.md'), 'utf8')).toBe('# Repository Guidelines\n\n`npm test`\n');
  });

  it('denies the write as any headless write is, and refuses a missing folder in one line', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\n' });
    const denied = await headlessInit(cwd, '/init', (body) =>
      toolMessages(body) === 0 ? { toolCalls: [{ id: 'w', name: 'write_file', arguments: '{"path":"AGENTS.md","content":"x"}' }] } : { text: 'I would write AGENTS.md.' },
    );
    expect(denied.code).toBe(0);
    await expect(readFile(path.join(cwd, 'AGENTS.md'))).rejects.toThrow(/ENOENT/);
    const missing = await headlessInit(cwd, '/init nowhere', () => ({ text: 'never asked' }));
    expect(missing).toMatchObject({ code: 1, err: 'shoal: /init: there is no folder nowhere in the workspace.\n', requests: [] });
  });
});
