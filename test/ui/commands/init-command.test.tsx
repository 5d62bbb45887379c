import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../src/tools/registry';
import { createWriteFileTool } from '../../../src/tools/write-file';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

afterEach(() => cleanup());

const NEW_AGENTS_MD = '# Repository Guidelines\n\n## Build, test and run\n\n```sh\nmake check\n```\n';

describe('/init', () => {
  it('sends the fan-out prompt and writes AGENTS.md only after the user approves its diff against the old one', async () => {
    const cwd = await createTempWorkspace({ 'AGENTS.md': '# Notes\nRun make.\n', 'Makefile': 'check:\n\ttrue\n' });
    const model = createScriptedModel([{ calls: [{ toolName: 'write_file', input: { path: 'AGENTS.md', content: NEW_AGENTS_MD } }] }, { text: 'AGENTS.md now covers make check.' }]);
    const app = renderApp({ model, tools: createRegistry([createWriteFileTool({ cwd })]), props: { cwd } });
    await waitForFrame(app, (frame) => frame.includes('welcome to shoal'));
    await typeAndSend(app.stdin, '/init');
    const frame = await waitForFrame(app, (current) => current.includes('Edit AGENTS.md?'));
    expect(frame).toMatch(/-# Notes\s*│\n│ -Run make\.\s*│\n│ \+# Repository Guidelines/);
    // Nothing is written while the diff waits for an answer.
    expect(await readFile(path.join(cwd, 'AGENTS.md'), 'utf8')).toBe('# Notes\nRun make.\n');

    const sent = JSON.stringify(model.doStreamCalls[0]!.prompt.filter((message) => message.role === 'user'));
    expect(sent).toContain('/init');
    expect(sent).toContain('three research_codebase calls');
    expect(sent).toContain('AGENTS.md exists already: read it first and improve it');
    app.stdin.write('y');
    await waitForFrame(app, (current) => current.includes('AGENTS.md now covers make check.'));
    expect(await readFile(path.join(cwd, 'AGENTS.md'), 'utf8')).toBe(NEW_AGENTS_MD);
  });

  it('says in one line why a folder it cannot use is refused, and asks the model nothing', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'a\n' });
    const model = createScriptedModel([]);
    const app = renderApp({ model, tools: createRegistry([]), props: { cwd } });
    await typeAndSend(app.stdin, '/init nowhere');
    await waitForFrame(app, (frame) => frame.includes('/init: there is no folder nowhere in the workspace.'));
    await typeAndSend(app.stdin, '/init a.txt');
    await waitForFrame(app, (frame) => frame.includes('/init takes a folder, and a.txt is a file'));
    expect(model.doStreamCalls).toHaveLength(0);
  });
});
