import { mkdir, symlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createPolicyApproval, isAllowedWithoutAsking, type ApprovalMode, type ApprovalRequest } from '../../../src/agent/calls/approval';
import { createToolSession } from '../../tools/tool-session';

const FILES = { '.git/config': '[core]\n', '.git/hooks/pre-commit': '#!/bin/sh\n', '.shoal/config.json': '{}\n', 'src/a.ts': 'x\n' };

/** Every way a write could skip the prompt: a mode, and tools allowed by flag (--allow) or by "a" in the session. */
const SETTINGS: { name: string; mode: ApprovalMode; allowed: string[] }[] = [
  { name: 'ask', mode: 'ask', allowed: [] },
  { name: 'auto-edit', mode: 'auto-edit', allowed: [] },
  { name: 'yolo', mode: 'yolo', allowed: [] },
  { name: '--allow write_file,update_file', mode: 'ask', allowed: ['write_file', 'update_file'] },
  { name: 'session allow + auto-edit', mode: 'auto-edit', allowed: ['write_file', 'update_file'] },
];

/** Protected targets, named directly, in another case, or through a symlink. */
const TARGETS = ['.git/config', '.git/hooks/pre-commit', '.shoal/config.json', '.GIT/config', 'notes.md', 'docs/hooks/pre-commit', '.envrc', '.vscode/tasks.json'];

async function session() {
  const current = await createToolSession(FILES);
  await symlink('.git/config', current.path('notes.md'));
  await mkdir(current.path('docs'));
  await symlink('../.git/hooks', current.path('docs/hooks'));
  return current;
}

/** The request the gate would make for writing `target` with `toolName`, with its real preview. */
async function requestFor(current: Awaited<ReturnType<typeof session>>, toolName: string, target: string): Promise<ApprovalRequest> {
  const input = toolName === 'write_file' ? { path: target, content: 'changed\n' } : { path: target, old_string: 'x', new_string: 'y' };
  if (toolName === 'update_file') await current.run('write_file', { path: target, content: 'x\n' }).catch(() => {});
  return { toolCallId: 'c1', toolName, input, agentId: 'main', preview: await current.preview(toolName, input) };
}

describe('protected paths always ask', () => {
  for (const toolName of ['write_file', 'update_file']) {
    for (const setting of SETTINGS) {
      it(`${toolName} under ${setting.name}: asks for every protected target, headless denies saying why`, async () => {
        const current = await session();
        const allowed = new Set(setting.allowed);
        const policy = createPolicyApproval({ mode: setting.mode, allowedTools: allowed, deniedFeedback: 'ordinary denial' });
        for (const target of TARGETS) {
          const request = await requestFor(current, toolName, target);
          expect(request.preview).toMatchObject({ protectedReason: expect.any(String) });
          expect(isAllowedWithoutAsking({ mode: setting.mode, request, sessionAllowed: allowed }), target).toBe(false);
          const decision = await policy(request, new AbortController().signal);
          expect(decision.type, target).toBe('deny');
          expect(decision.type === 'deny' && decision.feedback).toMatch(/is protected \(.+\)\..*not --allow write_file, not --yolo/);
        }
        // The same setting still lets an ordinary file through whenever it did before.
        const ordinary = await requestFor(current, toolName, 'src/a.ts');
        const expected = setting.mode !== 'ask' || allowed.has(toolName);
        expect(isAllowedWithoutAsking({ mode: setting.mode, request: ordinary, sessionAllowed: allowed })).toBe(expected);
      });
    }
  }
});
