import { stat } from 'node:fs/promises';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { createBashTool } from '../../../src/tools/shell/bash';
import { createRegistry } from '../../../src/tools/registry';
import { createPromptHistoryStore, promptHistoryPath } from '../../../src/session/prompt-history';
import { renderApp, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';
import { createFakeTool } from '../../helpers/fake-tools';

afterEach(() => cleanup());

const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
const TAB = '\t';
const ENTER = '\r';

/** Every user message's text the model was sent, per request. */
function userTexts(model: ReturnType<typeof createScriptedModel>): string[][] {
  return model.doStreamCalls.map((call) =>
    call.prompt
      .filter((message) => message.role === 'user')
      .map((message) => message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')),
  );
}

describe('the prompt box', () => {
  it('opens the @ picker, filters by what is typed, inserts the pick with Tab, and attaches the file on submit', async () => {
    const cwd = await createTempWorkspace({
      'src/cli/main.ts': 'export const main = 42;\n',
      'src/ui/App.tsx': 'app\n',
      'README.md': 'readme\n',
      'ignored/secret.ts': 'nope\n',
      '.gitignore': 'ignored/\n',
    });
    const model = createScriptedModel([{ text: 'Seen it.' }]);
    const app = renderApp({ model, tools: createRegistry([]), props: { cwd } });
    await tick();
    app.stdin.write('look at @');
    const open = await waitForFrame(app, (frame) => frame.includes('Tab or Enter inserts'));
    expect(open).toContain('README.md');
    app.stdin.write('s');
    await tick();
    app.stdin.write('rccl');
    const filtered = await waitForFrame(app, (frame) => frame.includes('@srccl') && frame.includes('main.ts'));
    expect(filtered).not.toContain('README.md');
    expect(filtered).not.toContain('secret.ts');
    expect(filtered).not.toContain('App.tsx');
    app.stdin.write(TAB);
    await waitForFrame(app, (frame) => frame.includes('look at @src/cli/main.ts') && !frame.includes('Tab or Enter inserts'));
    app.stdin.write('please');
    await tick();
    app.stdin.write(ENTER);

    const done = await waitForFrame(app, (frame) => frame.includes('Seen it.'));
    expect(done).toMatch(/attached src\/cli\/main\.ts \(24 bytes\)/);
    const sent = userTexts(model)[0]!.join('\n');
    expect(sent).toContain('look at @src/cli/main.ts please');
    expect(sent).toContain('<file path="src/cli/main.ts">\nexport const main = 42;\n');
  });

  it('moves through the picker with Down, closes it with Esc, and leaves a missing path as text', async () => {
    const cwd = await createTempWorkspace({ 'a.ts': 'a\n', 'b.ts': 'b\n' });
    const model = createScriptedModel([{ text: 'Ok.' }]);
    const app = renderApp({ model, tools: createRegistry([]), props: { cwd } });
    await tick();
    app.stdin.write('@');
    await waitForFrame(app, (frame) => frame.includes('› a.ts'));
    app.stdin.write('\u001B[B');
    await waitForFrame(app, (frame) => frame.includes('› b.ts'));
    app.stdin.write(ENTER);
    await waitForFrame(app, (frame) => frame.includes('@b.ts '));
    app.stdin.write('@nothing');
    await waitForFrame(app, (frame) => frame.includes('no file matches'));
    app.stdin.write('\u001B');
    await waitForFrame(app, (frame) => !frame.includes('no file matches'));
    app.stdin.write(ENTER);
    await waitForFrame(app, (frame) => frame.includes('Ok.'));
    const sent = userTexts(model)[0]!.join('\n');
    expect(sent).toContain('<file path="b.ts">');
    expect(sent).not.toContain('<file path="nothing">');
  });

  it('runs !command through the bash tool, shows its output, and gives it to the model with the next prompt', async () => {
    const cwd = await createTempWorkspace({ 'hello.txt': 'from the file\n' });
    const model = createScriptedModel([{ text: 'Noted.' }]);
    const bash = createBashTool({ cwd, sandbox: async () => ({ isAvailable: false, note: 'test' }) });
    const app = renderApp({ model, tools: createRegistry([bash]), props: { cwd } });
    await tick();
    app.stdin.write('!echo hi; cat hello.txt');
    const typed = await waitForFrame(app, (frame) => frame.includes('shell mode'));
    expect(typed).toContain('$ !echo hi');
    app.stdin.write(ENTER);
    const ran = await waitForFrame(app, (frame) => frame.includes('from the file') && frame.includes('exit code 0'));
    expect(ran).toContain('$ echo hi; cat hello.txt');
    expect(model.doStreamCalls).toHaveLength(0);

    app.stdin.write('what did it print?');
    await tick();
    app.stdin.write(ENTER);
    await waitForFrame(app, (frame) => frame.includes('Noted.'));
    const sent = userTexts(model)[0]!.join('\n');
    expect(sent).toContain('hi\nfrom the file');
    expect(sent).toContain('what did it print?');
  });

  it('stops a running !command with Esc', async () => {
    const cwd = await createTempWorkspace();
    const bash = createBashTool({ cwd, sandbox: async () => ({ isAvailable: false, note: 'test' }) });
    const app = renderApp({ model: createScriptedModel([]), tools: createRegistry([bash]), props: { cwd } });
    await tick();
    app.stdin.write('!sleep 30');
    await tick();
    app.stdin.write(ENTER);
    await waitForFrame(app, (frame) => frame.includes('Esc stops it'));
    app.stdin.write('\u001B');
    const stopped = await waitForFrame(app, (frame) => frame.includes('Cancelled'));
    expect(stopped).not.toContain('Esc stops it');
  });

  it('keeps the history per workspace across runs, and Ctrl+R finds an older prompt', async () => {
    const cwd = await createTempWorkspace();
    const stateDir = path.join(await createTempWorkspace(), 'state');
    const model = createScriptedModel(() => ({ text: 'Fine.' }));
    const first = renderApp({ model, tools: createRegistry([]), props: { promptHistory: createPromptHistoryStore({ stateDir, workspace: cwd }) } });
    for (const [index, prompt] of ['fix the parser bug', 'write the docs'].entries()) {
      await tick();
      first.stdin.write(prompt);
      await tick();
      first.stdin.write(ENTER);
      // This prompt's turn, not the one before it still on screen.
      await waitForFrame(first, (frame) => frame.split('done in').length - 1 === index + 1);
      await tick(50);
    }
    first.unmount();
    const file = promptHistoryPath({ stateDir, workspace: cwd });
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = renderApp({ model, tools: createRegistry([]), props: { promptHistory: createPromptHistoryStore({ stateDir, workspace: cwd }) } });
    await tick(100);
    second.stdin.write('\u0012'); // Ctrl+R
    await waitForFrame(second, (frame) => frame.includes('search:'));
    second.stdin.write('pars');
    const found = await waitForFrame(second, (frame) => frame.includes('search: pars'));
    expect(found).toContain('fix the parser bug');
    second.stdin.write(ENTER);
    const accepted = await waitForFrame(second, (frame) => !frame.includes('search:'));
    expect(accepted).toContain('› fix the parser bug');
    expect(model.doStreamCalls).toHaveLength(2);

    // Up recalls the newest prompt of the earlier run.
    second.stdin.write('\u0015'); // Ctrl+U clears
    await tick();
    second.stdin.write('\u001B[A');
    await waitForFrame(second, (frame) => frame.includes('write the docs'));

    // Another workspace has a history of its own.
    const other = createPromptHistoryStore({ stateDir, workspace: await createTempWorkspace() });
    expect(await other.load()).toEqual([]);
  });

  it('keeps a multi-line paste as text without sending it, and shows a long one collapsed but sends it whole', async () => {
    const model = createScriptedModel([{ text: 'Got it.' }]);
    const app = renderApp({ model, tools: createRegistry([]) });
    await tick();
    // Without bracketed paste the terminal sends the lines as one chunk.
    app.stdin.write('first\rsecond');
    await waitForFrame(app, (frame) => frame.includes('second'));
    const long = Array.from({ length: 120 }, (_, index) => `line ${index + 1}`).join('\n');
    app.stdin.write(`\u001B[200~${long}\u001B[201~`);
    const collapsed = await waitForFrame(app, (frame) => frame.includes('[pasted 120 lines #1]'));
    expect(collapsed).not.toContain('line 60');
    expect(model.doStreamCalls).toHaveLength(0);
    app.stdin.write(ENTER);
    await waitForFrame(app, (frame) => frame.includes('Got it.'));
    const sent = userTexts(model)[0]!.join('\n');
    expect(sent).toContain('first\nsecond');
    expect(sent).toContain('line 1\nline 2');
    expect(sent).toContain('line 120');
    expect(sent).not.toContain('[pasted');
  });

  it('Ctrl+G replaces the prompt with what the editor saved, and reports an editor that failed', async () => {
    const seen: string[] = [];
    let next: { type: 'edited'; text: string } | { type: 'failed'; message: string } = { type: 'edited', text: 'rewritten\nin the editor' };
    const app = renderApp({ model: createScriptedModel([]), tools: createRegistry([]), props: { editPrompt: (text) => (seen.push(text), next) } });
    await tick();
    app.stdin.write('draft');
    await tick();
    app.stdin.write('\u0007'); // Ctrl+G
    const edited = await waitForFrame(app, (frame) => frame.includes('in the editor'));
    expect(edited).toContain('rewritten');
    expect(seen).toEqual(['draft']);
    next = { type: 'failed', message: 'The editor nano exited with 1; the prompt is unchanged.' };
    app.stdin.write('\u0007');
    const failed = await waitForFrame(app, (frame) => frame.includes('exited with 1'));
    expect(failed).toContain('in the editor');
  });
});


describe('Esc while a turn runs', () => {
  async function startSlowTurn(latencyMs = 1200) {
    const cwd = await createTempWorkspace({ 'a.ts': 'a\n' });
    const model = createScriptedModel([{ calls: [{ toolName: 'read_file', input: { label: 'slow' } }] }, { text: 'Finished the turn.' }]);
    const app = renderApp({ model, tools: createRegistry([createFakeTool({ name: 'read_file', kind: 'read-only', latencyMs })]), props: { cwd } });
    await tick();
    app.stdin.write('go');
    await tick();
    app.stdin.write(ENTER);
    await waitForFrame(app, (frame) => frame.includes('read_file slow'));
    return { app, model };
  }

  it('that closes the @ picker leaves the turn running; the next Esc interrupts it', async () => {
    // A read long enough that the turn is still running on a busy machine: the second Esc ends it anyway.
    const { app } = await startSlowTurn(20_000);
    app.stdin.write('@');
    await waitForFrame(app, (frame) => frame.includes('› a.ts'));
    app.stdin.write('\u001B');
    await waitForFrame(app, (frame) => !frame.includes('› a.ts'));
    await tick(100);
    expect(app.lastFrame()).not.toContain('interrupted');
    app.stdin.write('\u001B');
    await waitForFrame(app, (frame) => frame.includes('interrupted'));
  });

  it('that cancels the Ctrl+R search leaves the turn running to its end', async () => {
    const { app } = await startSlowTurn();
    app.stdin.write('\u0012');
    await waitForFrame(app, (frame) => frame.includes('search:'));
    app.stdin.write('\u001B');
    await waitForFrame(app, (frame) => !frame.includes('search:'));
    const done = await waitForFrame(app, (frame) => frame.includes('Finished the turn.'));
    expect(done).not.toContain('interrupted');
  });
});
