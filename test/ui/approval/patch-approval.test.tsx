import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalDecision } from '../../../src/agent/nodes';
import type { CallView } from '../../../src/state/types';
import { createApplyPatchTool } from '../../../src/tools/apply-patch/apply-patch';
import { createRegistry } from '../../../src/tools/registry';
import type { ApprovalPreview } from '../../../src/tools/types';
import { ApprovalPrompt } from '../../../src/ui/approval/ApprovalPrompt';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

afterEach(() => cleanup());

const FILES = { 'src/a.ts': 'export function a() {\n  return 1;\n}\n', 'old.ts': 'legacy\n' };
const PATCH = [
  '*** Begin Patch',
  '*** Add File: src/new.ts',
  '+export const created = true;',
  '*** Update File: src/a.ts',
  '@@',
  '-  return 1;',
  '+  return 2;',
  '*** Delete File: old.ts',
  '*** End Patch',
].join('\n');

/** The real preview of `patch` over a workspace holding `files`. */
async function previewOf(files: Record<string, string>, patch: string): Promise<ApprovalPreview> {
  const cwd = await createTempWorkspace(files);
  return createApplyPatchTool({ cwd }).preview!({ input: patch });
}

function renderPrompt(preview: ApprovalPreview, maxRows = 30) {
  const answers: ApprovalDecision[] = [];
  const call: CallView = { key: 'main:c1', toolCallId: 'c1', toolName: 'apply_patch', agentId: 'main', input: {}, step: 1, status: 'awaiting-approval', description: '', preview };
  const instance = render(<ApprovalPrompt call={call} maxDiffLines={maxRows} width={100} onAnswer={(decision) => answers.push(decision)} onDenyAndStop={() => {}} />);
  return { ...instance, answers };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

/** The frame's text inside the box, rows joined, so a wrapped line reads whole again. */
function boxText(frame: string): string {
  return frame
    .split('\n')
    .map((line) => line.replace(/^[│╭╰]\s?/, '').replace(/\s?[│╮╯]$/, '').trimEnd())
    .join('');
}

describe('ApprovalPrompt for a patch', () => {
  it('shows a three-file patch under one title: each file by what happens to it, then its diff', async () => {
    const frame = renderPrompt(await previewOf(FILES, PATCH)).lastFrame()!;
    const lines = frame.split('\n').map((line) => line.replace(/^[│╭╰]\s?/, '').replace(/\s?[│╮╯]$/, '').trimEnd());
    expect(lines.slice(1, 15)).toEqual([
      'Apply this patch to 3 files (create 1, update 1, delete 1)?',
      '● create src/new.ts  +1',
      '@@ -0,0 +1,1 @@',
      '+export const created = true;',
      '● update src/a.ts  +1 -1',
      '@@ -1,3 +1,3 @@',
      ' export function a() {',
      '-  return 1;',
      '+  return 2;',
      ' }',
      '● delete old.ts  -1',
      '@@ -1,1 +0,0 @@',
      '-legacy',
      'y allow once  a allow apply_patch this session  n deny with feedback  Esc deny and stop',
    ]);
  });

  it('says which files of a patch are protected and why, in red above the diff, and that an allowance will not cover them', async () => {
    const patch = PATCH.replace('*** End Patch', '*** Update File: .vscode/tasks.json\n@@\n-{}\n+{"tasks": []}\n*** End Patch');
    const frame = boxText(renderPrompt(await previewOf({ ...FILES, '.vscode/tasks.json': '{}\n' }, patch), 40).lastFrame()!);
    expect(frame).toContain('Apply this patch to 4 files (create 1, update 2, delete 1)?');
    // Ink drops the space where it wraps the long line.
    expect(frame).toMatch(/⚠ Protected file \.vscode\/tasks\.json: VS Code tasks run shell commands, some automatically when ?the folder opens\./);
    expect(frame).toContain('The whole patch asks, whatever the approval mode or allowances say.');
    expect(frame).toContain('● update .vscode/tasks.json  +1 -1  ⚠ protected');
    expect(frame).toContain('(protected files will still ask)');
    expect(frame.indexOf('⚠ Protected file')).toBeLessThan(frame.indexOf('● create src/new.ts'));
  });

  it('shows a move with its source, and a replaced destination', async () => {
    const preview = await previewOf({ 'a.txt': 'a\n', 'b.txt': 'old b\n' }, '*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+A\n*** End Patch');
    const frame = renderPrompt(preview).lastFrame()!;
    expect(frame).toContain('Apply this patch to b.txt (move)?');
    expect(frame).toContain('● move a.txt → b.txt (replaces the existing b.txt)  +1 -1');
  });

  it('pages through a patch too tall for the box, across its files', async () => {
    const long = Array.from({ length: 40 }, (_, index) => `+line ${index + 1}`).join('\n');
    const patch = `*** Begin Patch\n*** Add File: one.txt\n${long}\n*** Add File: two.txt\n+the second file\n*** End Patch`;
    const prompt = renderPrompt(await previewOf({}, patch), 16);
    expect(prompt.lastFrame()).toMatch(/… \d+ more lines not shown · press v to view all/);
    expect(prompt.lastFrame()).not.toContain('two.txt');
    prompt.stdin.write('v');
    await tick();
    prompt.stdin.write('G');
    await tick();
    const last = prompt.lastFrame()!;
    expect(last).toContain('● create two.txt  +1');
    expect(last).toContain('+the second file');
    expect(last).toMatch(/lines \d+–45 of 45/);
  });
});

describe('a patch approval in the App', () => {
  it('asks once for the whole patch and writes every file on y', async () => {
    const cwd = await createTempWorkspace(FILES);
    const model = createScriptedModel([{ calls: [{ toolName: 'apply_patch', input: { input: PATCH } }] }, { text: 'patched' }]);
    const app = renderApp({ model, tools: createRegistry([createApplyPatchTool({ cwd })]) });
    await typeAndSend(app.stdin, 'patch it');
    const frame = await waitForFrame(app, (current) => current.includes('Apply this patch to 3 files'));
    expect(frame).toContain('● update src/a.ts  +1 -1');
    app.stdin.write('y');
    await waitForFrame(app, (current) => current.includes('patched'));
    expect(await readFile(path.join(cwd, 'src/new.ts'), 'utf8')).toBe('export const created = true;\n');
    expect(await readFile(path.join(cwd, 'src/a.ts'), 'utf8')).toContain('return 2;');
    await expect(readFile(path.join(cwd, 'old.ts'))).rejects.toThrow(/ENOENT/);
  });
});
