import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ApprovalRequest, RequestApproval } from '../../../src/agent/calls/approval';
import { MAX_APPROVAL_ASKS } from '../../../src/agent/calls/gate-call';
import { runAgent } from '../../../src/agent/loop';
import type { ApprovalDecision } from '../../../src/agent/nodes';
import { initialSessionState, reduce } from '../../../src/state/reducer';
import { createToolSession } from '../../tools/tool-session';
import { collect, ofType } from '../../helpers/collect';
import { createScriptedModel } from '../../helpers/scripted-model';

/**
 * Runs one write call through the real loop and tools. `answer` is the scripted
 * user: it sees each request (and may change the disk while "deciding").
 */
async function runWrite(options: {
  files: Record<string, string>;
  call: { toolName: string; input: unknown };
  answer: (request: ApprovalRequest, ask: number, session: Awaited<ReturnType<typeof createToolSession>>) => Promise<ApprovalDecision>;
}) {
  const session = await createToolSession(options.files);
  const asked: ApprovalRequest[] = [];
  const requestApproval: RequestApproval = async (request) => {
    asked.push(request);
    return options.answer(request, asked.length, session);
  };
  const model = createScriptedModel([{ calls: [options.call] }, { text: 'done' }]);
  const nodes = await collect(
    runAgent({ model, tools: session.tools, instructions: 'test', messages: [{ role: 'user', content: 'go' }], signal: new AbortController().signal, requestApproval }),
  );
  return { session, asked, nodes, model };
}

const diffOf = (request: ApprovalRequest | undefined) => (request?.preview?.type === 'diff' ? request.preview.diff : '');

describe('approval bound to its preview', () => {
  it('asks again with the new content when the file is swapped while the prompt waits, and never writes over what the user did not see', async () => {
    const { session, asked, nodes } = await runWrite({
      files: { 'a.ts': 'seen by the user\n' },
      call: { toolName: 'write_file', input: { path: 'a.ts', content: 'from the model\n' } },
      async answer(_request, ask, current) {
        if (ask === 1) {
          await writeFile(current.path('a.ts'), 'swapped in secretly\n');
          return { type: 'allow' };
        }
        return { type: 'deny', feedback: 'no' };
      },
    });
    expect(asked).toHaveLength(2);
    expect(diffOf(asked[0])).toContain('-seen by the user');
    expect(diffOf(asked[1])).toContain('-swapped in secretly');
    expect(await readFile(session.path('a.ts'), 'utf8')).toBe('swapped in secretly\n');
    const again = ofType(nodes, 'approval-request')[1]!;
    expect(again.askedAgainBecause).toMatch(/a\.ts changed while waiting for approval \(its content changed\)/);
    // One outcome for the call, the denial of the second ask.
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['denied']);
  });

  it('asks again showing the real target when the file became a symlink to another file', async () => {
    const { session, asked } = await runWrite({
      files: { 'notes.md': 'notes\n', 'src/auth.ts': 'secret\n' },
      call: { toolName: 'write_file', input: { path: 'notes.md', content: 'overwritten\n' } },
      async answer(_request, ask, current) {
        if (ask > 1) return { type: 'deny' };
        await rm(current.path('notes.md'));
        await symlink('src/auth.ts', current.path('notes.md'));
        return { type: 'allow' };
      },
    });
    expect(asked[1]?.preview).toMatchObject({ path: 'src/auth.ts', requestedPath: 'notes.md' });
    expect(diffOf(asked[1])).toContain('-secret');
    expect(await readFile(session.path('src/auth.ts'), 'utf8')).toBe('secret\n');
  });

  it('asks again as an overwrite when the file was created while the prompt waited, then writes what the second prompt showed', async () => {
    const { session, asked } = await runWrite({
      files: {},
      call: { toolName: 'write_file', input: { path: 'new.ts', content: 'from the model\n' } },
      async answer(_request, ask, current) {
        if (ask === 1) await writeFile(current.path('new.ts'), 'created meanwhile\n');
        return { type: 'allow' };
      },
    });
    expect(asked.map((request) => request.preview?.type === 'diff' && request.preview.isNewFile)).toEqual([true, false]);
    expect(diffOf(asked[1])).toContain('-created meanwhile');
    expect(await readFile(session.path('new.ts'), 'utf8')).toBe('from the model\n');
  });

  it(`fails the call with a message after ${MAX_APPROVAL_ASKS} asks when the file keeps changing`, async () => {
    const { session, asked, nodes, model } = await runWrite({
      files: { 'a.ts': 'v0\n' },
      call: { toolName: 'write_file', input: { path: 'a.ts', content: 'mine\n' } },
      async answer(_request, ask, current) {
        await writeFile(current.path('a.ts'), `v${ask}\n`);
        return { type: 'allow' };
      },
    });
    expect(asked).toHaveLength(MAX_APPROVAL_ASKS);
    expect(await readFile(session.path('a.ts'), 'utf8')).toBe(`v${MAX_APPROVAL_ASKS}\n`);
    const end = ofType(nodes, 'tool-call-end')[0]!;
    expect(end.status).toBe('error');
    expect(end.output).toMatch(/nothing was written.*kept changing while the user was asked/);
    expect(model.doStreamCalls).toHaveLength(2);
  });

  it('folds a re-ask into state without problems: running, then awaiting approval again', async () => {
    const { nodes } = await runWrite({
      files: { 'a.ts': 'one\n' },
      call: { toolName: 'update_file', input: { path: 'a.ts', old_string: 'one', new_string: 'ONE' } },
      async answer(_request, ask, current) {
        if (ask === 1) await writeFile(current.path('a.ts'), 'one\ntwo\n');
        return { type: 'allow' };
      },
    });
    const state = [{ type: 'turn-start' as const, prompt: 'go', time: 0 }, ...nodes].reduce(reduce, initialSessionState);
    expect(state.problems).toEqual([]);
    expect(ofType(nodes, 'tool-call-end').map((node) => node.status)).toEqual(['ok']);
  });
});
