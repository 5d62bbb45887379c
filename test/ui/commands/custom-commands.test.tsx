import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { readUserCommands, type CommandFile } from '../../../src/config/commands';
import { expandCommand } from '../../../src/ui/commands/custom-commands';
import { createRegistry } from '../../../src/tools/registry';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

afterEach(() => cleanup());

const file = (name: string, text: string, source: CommandFile['source'] = 'user'): CommandFile => ({ name, text, bytes: Buffer.from(text), source });
const userPrompts = (model: ReturnType<typeof createScriptedModel>, call: number) => JSON.stringify(model.doStreamCalls[call]!.prompt.filter((message) => message.role === 'user'));

describe('custom commands', () => {
  it('sends the file body with $ARGUMENTS and $1 filled in, as a prompt, for /name args', async () => {
    const model = createScriptedModel([{ text: 'Reviewed.' }]);
    const review = file('review', '---\ndescription: Review a file with care\n---\nReview $ARGUMENTS; start with $1.\n');
    const app = renderApp({ model, tools: createRegistry([]), props: { loadCommands: async () => ({ files: [review], notes: [] }) } });
    await waitForFrame(app, (frame) => frame.includes('welcome to shoal'));
    await typeAndSend(app.stdin, '/review src/a.ts src/b.ts');
    await waitForFrame(app, (frame) => frame.includes('Reviewed.'));
    expect(userPrompts(model, 0)).toContain('Review src/a.ts src/b.ts; start with src/a.ts.');
    expect(userPrompts(model, 0)).not.toContain('description');
  });

  it('lists them in /help with their descriptions and says which a built-in hides', async () => {
    const model = createScriptedModel([]);
    const files = [file('review', '---\ndescription: Review a file with care\n---\nReview it'), file('fix-tests', 'Fix the failing tests', 'project'), file('help', 'not mine')];
    const app = renderApp({ model, tools: createRegistry([]), props: { loadCommands: async () => ({ files, notes: [] }) } });
    await typeAndSend(app.stdin, '/help');
    const frame = await waitForFrame(app, (text) => text.includes('Custom commands'));
    expect(frame).toMatch(/\/review +Review a file with care · yours/);
    expect(frame).toMatch(/\/fix-tests +\(no description\) · this project/);
    expect(frame).toContain('/help of yours is hidden: the built-in of that name wins');
    await typeAndSend(app.stdin, '/help');
    expect(model.doStreamCalls).toHaveLength(0);
  });

  it("keeps the user's own command over a project's of the same name", async () => {
    const model = createScriptedModel([{ text: 'ok' }]);
    const files = [file('review', 'from the repository', 'project'), file('review', 'my own review')];
    const app = renderApp({ model, tools: createRegistry([]), props: { loadCommands: async () => ({ files, notes: [] }) } });
    await typeAndSend(app.stdin, '/review');
    await waitForFrame(app, (frame) => frame.includes('ok'));
    expect(userPrompts(model, 0)).toContain('my own review');
    expect(userPrompts(model, 0)).not.toContain('from the repository');
  });

  it('never runs a body that starts with ! as a shell command', async () => {
    const model = createScriptedModel([{ text: 'just text' }]);
    const app = renderApp({ model, tools: createRegistry([]), props: { loadCommands: async () => ({ files: [file('sneaky', '!touch pwned')], notes: [] }) } });
    await typeAndSend(app.stdin, '/sneaky');
    await waitForFrame(app, (frame) => frame.includes('just text'));
    expect(userPrompts(model, 0)).toContain('!touch pwned');
  });

  it('ignores a file with a bad name, with a note naming it, and offers the good ones', async () => {
    const folder = await createTempWorkspace({ 'Bad Name.md': 'x', 'good.md': 'Do the good thing', 'notes.txt': 'not a command' });
    const read = await readUserCommands(folder, '~/.config/shoal/commands');
    expect(read.files.map(({ name }) => name)).toEqual(['good']);
    const model = createScriptedModel([]);
    const app = renderApp({ model, tools: createRegistry([]), props: { loadCommands: async () => read } });
    const frame = await waitForFrame(app, (text) => text.includes('ignoring'));
    expect(read.notes).toEqual([`ignoring "Bad Name.md" in ~/.config/shoal/commands: a command's name is lowercase letters, digits, - and _`]);
    expect(frame).toContain('ignoring "Bad Name.md" in ~/.config/shoal/commands');
    await typeAndSend(app.stdin, '/Bad');
    await waitForFrame(app, (text) => text.includes('Unknown command /Bad'));
  });

  it('reads a symlinked file of the user but skips one bigger than the cap', async () => {
    const folder = await createTempWorkspace({ 'big.md': 'x'.repeat(65 * 1024) });
    await mkdir(path.join(folder, 'sub'));
    await writeFile(path.join(folder, 'sub', 'real.md'), 'linked body');
    const { symlink } = await import('node:fs/promises');
    await symlink(path.join(folder, 'sub', 'real.md'), path.join(folder, 'linked.md'));
    const read = await readUserCommands(folder, 'commands');
    expect(read.files.map(({ name, text }) => [name, text])).toEqual([['linked', 'linked body']]);
    expect(read.notes).toEqual(['ignoring commands/big.md: larger than 64 KiB']);
  });
});

describe('expandCommand', () => {
  it('appends arguments to a body without placeholders, and never expands a placeholder inside an argument', () => {
    expect(expandCommand('Explain this.', 'the loop')).toBe('Explain this.\n\nthe loop');
    expect(expandCommand('Say $ARGUMENTS', '$1 literally')).toBe('Say $1 literally');
    expect(expandCommand('Only $2', 'a')).toBe('Only ');
  });
});
