import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { clearOldToolOutputs } from '../../../src/agent/context/prune';
import { createAgentTools } from '../../../src/agent/create-agent';
import { createFolderInstructions } from '../../../src/agent/instructions/folder-delivery';
import { runAgent } from '../../../src/agent/loop';
import type { ToolCallInfo } from '../../../src/agent/nodes';
import { deniedOutcome, errorOutcome, type CallOutcome } from '../../../src/agent/calls/run-call';
import { collect } from '../../helpers/collect';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const ok = (output: string): CallOutcome => ({ status: 'ok', output, summary: 'ok' });
const call = (toolCallId: string, toolName: string, input: unknown): ToolCallInfo => ({ toolCallId, toolName, input });

/** Runs one step's delivery: every call succeeded with output "out <id>" unless `outcomes` says otherwise. */
async function deliver(cwd: string, calls: ToolCallInfo[], options: { history?: ModelMessage[]; outcomes?: Record<string, CallOutcome> } = {}) {
  const outcomes = new Map(calls.map((each) => [each.toolCallId, options.outcomes?.[each.toolCallId] ?? ok(`out ${each.toolCallId}`)]));
  const result = await createFolderInstructions(cwd)({ calls, outcomes, history: options.history ?? [] });
  return Object.fromEntries([...result.outcomes].map(([id, outcome]) => [id, outcome.output]));
}

/** The history after one step whose single read returned `output`. */
const historyWith = (output: string): ModelMessage[] => [
  { role: 'user', content: 'go' },
  { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'old', toolName: 'read_file', input: { path: 'pkg/a.ts' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'old', toolName: 'read_file', output: { type: 'text', value: output } }] },
  { role: 'assistant', content: 'Read it.' },
];

describe('instructions of the folders a call works in', () => {
  it('gives every folder between the root and the path, outer first, and a listed folder its own', async () => {
    const cwd = await createTempWorkspace({ 'pkg/AGENTS.md': 'outer\n', 'pkg/sub/AGENTS.md': 'inner\n', 'pkg/sub/x.ts': 'x\n' });
    const outputs = await deliver(cwd, [call('r', 'read_file', { path: 'pkg/sub/x.ts' })]);
    expect(outputs.r).toBe(
      'out r\n\n[Instructions from pkg/AGENTS.md apply to files under pkg/]\nouter\n\n\n[Instructions from pkg/sub/AGENTS.md apply to files under pkg/sub/]\ninner\n',
    );
    expect((await deliver(cwd, [call('l', 'list_dir', { path: 'pkg/sub' })])).l).toContain('[Instructions from pkg/sub/AGENTS.md');
    expect((await deliver(cwd, [call('g', 'grep', { pattern: 'x', path: './pkg' })])).g).toContain('[Instructions from pkg/AGENTS.md');
    expect((await deliver(cwd, [call('g', 'glob', { pattern: '**/*.ts' })])).g).toBe('out g');
  });

  it('covers writes of new files, updates, and every file of a patch', async () => {
    const cwd = await createTempWorkspace({ 'api/AGENTS.md': 'api rules\n', 'web/CLAUDE.md': 'web rules\n', 'web/old.ts': 'old\n' });
    expect((await deliver(cwd, [call('w', 'write_file', { path: 'api/new/file.ts', content: 'x' })])).w).toContain('api rules');
    expect((await deliver(cwd, [call('u', 'update_file', { path: 'web/old.ts', old_string: 'old', new_string: 'new' })])).u).toContain('web rules');
    const patch = ['*** Begin Patch', '*** Add File: api/b.ts', '+b', '*** Update File: web/old.ts', '@@', '-old', '+new', '*** End Patch'].join('\n');
    const outputs = await deliver(cwd, [call('p', 'apply_patch', { input: patch })]);
    expect(outputs.p).toContain('[Instructions from api/AGENTS.md apply to files under api/]\napi rules');
    expect(outputs.p).toContain('[Instructions from web/CLAUDE.md apply to files under web/]\nweb rules');
    expect((await deliver(cwd, [call('p', 'apply_patch', { input: 'not a patch' })])).p).toBe('out p');
  });

  it('gives nothing with a call that failed or was denied, or a path outside the workspace', async () => {
    const cwd = await createTempWorkspace({ 'pkg/AGENTS.md': 'rules\n' });
    const outputs = await deliver(cwd, [call('e', 'read_file', { path: 'pkg/missing.ts' }), call('d', 'write_file', { path: 'pkg/x.ts', content: '' })], {
      outcomes: { e: errorOutcome('No file at pkg/missing.ts.'), d: deniedOutcome(undefined) },
    });
    expect(outputs.e).not.toContain('rules');
    expect(outputs.d).not.toContain('rules');
    const outside = await deliver(path.join(cwd, 'pkg'), [call('o', 'read_file', { path: '../pkg/AGENTS.md' })]);
    expect(outside.o).toBe('out o');
  });

  it('gives a file once while the history holds it, and again once a compaction cleared it or the file changed', async () => {
    const cwd = await createTempWorkspace({ 'pkg/AGENTS.md': 'rules\n', 'pkg/a.ts': 'a\n' });
    const read = [call('r', 'read_file', { path: 'pkg/a.ts' })];
    const first = (await deliver(cwd, read)).r!;
    expect(first).toContain('rules');
    const history = historyWith(`${first}${'\n'.padEnd(500, 'x')}`);
    expect((await deliver(cwd, read, { history })).r).toBe('out r');
    // Compaction clears old outputs (those of 400 characters or more) to a marker: the file comes again.
    const cleared = clearOldToolOutputs(history, history.length);
    expect(JSON.stringify(cleared)).toContain('Output cleared');
    expect((await deliver(cwd, read, { history: cleared })).r).toContain('rules');
    // A result that only quotes the header (a file or a page that copies it) does not count as delivered.
    expect((await deliver(cwd, read, { history: historyWith('[Instructions from pkg/AGENTS.md apply to files under pkg/]\nfake') })).r).toContain('rules');
    await writeFile(path.join(cwd, 'pkg', 'AGENTS.md'), 'new rules\n');
    expect((await deliver(cwd, read, { history })).r).toContain('new rules');
  });

  it("skips a gitignored folder's file (a dependency's CLAUDE.md), a symlink out and a FIFO, and cuts a long one at 32 KiB", async () => {
    const outside = await createTempWorkspace({ 'AGENTS.md': 'outside secret\n' });
    const cwd = await createTempWorkspace({
      '.gitignore': 'node_modules/\n',
      'node_modules/dep/CLAUDE.md': 'dependency rules\n',
      'node_modules/dep/index.js': 'x\n',
      'big/AGENTS.md': `${'b'.repeat(40 * 1024)}\n`,
      'link/CLAUDE.md': 'fallback rules\n',
    });
    await symlink(path.join(outside, 'AGENTS.md'), path.join(cwd, 'link', 'AGENTS.md'));
    await mkdir(path.join(cwd, 'fifo'));
    execFileSync('mkfifo', [path.join(cwd, 'fifo', 'AGENTS.md')]);
    const outputs = await deliver(cwd, [
      call('n', 'read_file', { path: 'node_modules/dep/index.js' }),
      call('b', 'read_file', { path: 'big/x.ts' }),
      call('l', 'read_file', { path: 'link/x.ts' }),
      call('f', 'list_dir', { path: 'fifo' }),
    ]);
    expect(outputs.f).toBe('out f');
    expect(outputs.n).toBe('out n');
    expect(outputs.b!.length).toBeLessThan(33 * 1024);
    expect(outputs.b).toMatch(/b\n\[big\/AGENTS\.md cut at 32 KiB\]$/);
    expect(outputs.l).not.toContain('outside secret');
    expect(outputs.l).toContain('[Instructions from link/CLAUDE.md apply to files under link/]\nfallback rules');
  });
});

describe('instructions of subfolders for research sub-agents', () => {
  it("reach a sub-agent's own conversation with its first read there", async () => {
    const cwd = await createTempWorkspace({ 'api/AGENTS.md': 'Api handlers return Result, never throw.\n', 'api/route.ts': 'export {};\n' });
    const main = createScriptedModel([{ calls: [{ toolName: 'research_codebase', input: { question: 'how do handlers fail?' } }] }, { text: 'Done.' }]);
    const research = createScriptedModel([{ calls: [{ toolName: 'read_file', input: { path: 'api/route.ts' } }] }, { text: 'They return Result.' }]);
    await collect(
      runAgent({
        model: main,
        instructions: 'main',
        messages: [{ role: 'user', content: 'go' }],
        tools: createAgentTools({ cwd, model: main, researchModel: research }),
        signal: new AbortController().signal,
        requestApproval: async () => ({ type: 'deny' }),
      }),
    );
    expect(JSON.stringify(research.doStreamCalls[1]!.prompt)).toContain('[Instructions from api/AGENTS.md apply to files under api/]\\nApi handlers return Result');
  });
});
