import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPolicyApproval } from '../../src/agent/calls/approval';
import type { AgentNode } from '../../src/agent/nodes';
import { runHeadless } from '../../src/cli/headless';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const PATCH = '*** Begin Patch\n*** Add File: b.txt\n+b\n*** Update File: a.txt\n@@\n-a\n+A\n*** Delete File: c.txt\n*** End Patch';

/** One headless run of a GPT-5 model sending `patch`, in stream-json, with `allow` as --allow. */
async function headless(options: { files: Record<string, string>; patch: string; allow: string[]; mode?: 'ask' | 'yolo' }) {
  const cwd = await createTempWorkspace(options.files);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.resume();
  const model = createScriptedModel([{ calls: [{ toolName: 'apply_patch', input: { input: options.patch } }] }, { text: 'done' }], 'gpt-5.4');
  const code = await runHeadless({
    setup: { cwd, model },
    prompt: 'patch it',
    outputFormat: 'stream-json',
    requestApproval: createPolicyApproval({ mode: options.mode, allowedTools: new Set(options.allow), deniedFeedback: 'denied in headless' }),
    signal: new AbortController().signal,
    stdout,
    stderr,
  });
  const nodes = out.trim().split('\n').map((line) => JSON.parse(line) as AgentNode);
  const end = nodes.find((node): node is Extract<AgentNode, { type: 'tool-call-end' }> => node.type === 'tool-call-end')!;
  return { code, cwd, nodes, end, read: (file: string) => readFile(path.join(cwd, file), 'utf8') };
}

describe('headless apply_patch', () => {
  it('applies a patch with --allow apply_patch, its approval request carrying every file', async () => {
    const run = await headless({ files: { 'a.txt': 'a\n', 'c.txt': 'c\n' }, patch: PATCH, allow: ['apply_patch'] });
    expect(run.code).toBe(0);
    expect(run.end).toMatchObject({ toolName: 'apply_patch', status: 'ok', summary: '3 files, +2 -2' });
    expect((await readdir(run.cwd)).sort()).toEqual(['a.txt', 'b.txt']);
    expect(await run.read('a.txt')).toBe('A\n');
    const request = run.nodes.find((node): node is Extract<AgentNode, { type: 'approval-request' }> => node.type === 'approval-request')!;
    expect(request.preview?.type === 'patch' && request.preview.files.map((file) => `${file.change} ${file.path}`)).toEqual(['create b.txt', 'update a.txt', 'delete c.txt']);
  });

  it('denies it without --allow apply_patch (--allow write_file is not enough), writing nothing', async () => {
    const run = await headless({ files: { 'a.txt': 'a\n', 'c.txt': 'c\n' }, patch: PATCH, allow: ['write_file', 'update_file'] });
    expect(run.end).toMatchObject({ status: 'denied' });
    expect((await readdir(run.cwd)).sort()).toEqual(['a.txt', 'c.txt']);
    expect(await run.read('a.txt')).toBe('a\n');
  });

  it('denies a patch touching a protected file even under --allow apply_patch and --yolo, saying which and why', async () => {
    const patch = PATCH.replace('*** End Patch', '*** Update File: .git/config\n@@\n-[core]\n+[core]\n+\tfsmonitor = ./evil\n*** End Patch');
    const run = await headless({ files: { 'a.txt': 'a\n', 'c.txt': 'c\n', '.git/config': '[core]\n' }, patch, allow: ['apply_patch'], mode: 'yolo' });
    expect(run.end).toMatchObject({ status: 'denied' });
    expect(run.end.output).toMatch(/\.git\/config is protected \(git's own data.*\)\. shoal writes it only after a person approves that exact change, and no flag allows it without one: not --allow apply_patch, not --yolo\./);
    expect(await run.read('.git/config')).toBe('[core]\n');
    expect(await run.read('a.txt')).toBe('a\n');
    expect((await readdir(run.cwd)).sort()).toEqual(['.git', 'a.txt', 'c.txt']);
  });
});
