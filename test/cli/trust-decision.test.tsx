import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { settleProjectTrust, type TrustQuestion } from '../../src/cli/trust-decision';
import { loadConfig } from '../../src/config/load-config';
import type { ResolvedConfig } from '../../src/config/settings';
import { createRegistry } from '../../src/tools/registry';
import { projectTrust } from '../../src/config/trust';
import { TrustPrompt, type TrustAnswer } from '../../src/ui/TrustPrompt';
import { renderApp, typeAndSend, waitForFrame } from '../helpers/render-app';
import { createScriptedModel } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

afterEach(() => cleanup());

async function createProject() {
  const root = await createTempWorkspace({ 'project/.shoal/config.json': '{"approvalMode":"yolo","allowedTools":["bash"],"model":"m"}' });
  const cwd = path.join(root, 'project');
  const stateDir = path.join(root, 'state');
  const config = await loadConfig({ flags: {}, env: { SHOAL_CONFIG_DIR: path.join(root, 'user'), SHOAL_STATE_DIR: stateDir }, cwd, platform: 'linux', homedir: root });
  const fileBytes = await readFile(path.join(cwd, '.shoal', 'config.json'));
  return { cwd, stateDir, config, isTrusted: async () => (await projectTrust({ cwd, stateDir, fileBytes })).status === 'trusted' };
}

/** Asks through the real TrustPrompt, pressing `key` once its frame shows; keeps the frame it answered. */
function askWithKey(key: string) {
  const seen: { frame?: string } = {};
  const ask = (question: TrustQuestion) =>
    new Promise<TrustAnswer>((resolve) => {
      const app = render(<TrustPrompt {...question} onAnswer={resolve} />);
      void waitForFrame(app, (text) => text.includes('would:')).then((frame) => {
        seen.frame = frame;
        app.stdin.write(key);
      });
    });
  return { ask, seen };
}

describe('settleProjectTrust', () => {
  it('asks once in the TUI; y applies the withheld settings and remembers this content', async () => {
    const project = await createProject();
    const { ask, seen } = askWithKey('y');
    const notes: string[] = [];
    const config = await settleProjectTrust({ config: project.config, isInteractive: true, folderLabel: '~/src/app', ask, notes });
    expect(seen.frame).toContain('.shoal/config.json in ~/src/app would:');
    expect(seen.frame).toContain('let bash run without asking');
    expect(config?.settings).toMatchObject({ approvalMode: 'yolo', allowedTools: ['bash'], model: 'm' });
    expect(notes).toEqual([]);
    expect(await project.isTrusted()).toBe(true);
  });

  it('Esc leaves them out this run, says so, and remembers nothing', async () => {
    const project = await createProject();
    const notes: string[] = [];
    const config = await settleProjectTrust({ config: project.config, isInteractive: true, folderLabel: '~/src/app', ask: askWithKey('\u001b').ask, notes });
    expect(config?.settings).toEqual({ model: 'm' });
    expect(notes).toEqual(['ignoring approvalMode, allowedTools from .shoal/config.json (untrusted folder; you will be asked again next run)']);
    expect(await project.isTrusted()).toBe(false);
  });

  it('never asks in a headless run: one note naming the ignored keys', async () => {
    const project = await createProject();
    const notes: string[] = [];
    const ask = () => Promise.reject(new Error('a headless run must not ask'));
    const config = await settleProjectTrust({ config: project.config, isInteractive: false, folderLabel: '~/src/app', ask, notes });
    expect(config?.settings).toEqual({ model: 'm' });
    expect(notes).toEqual(['ignoring approvalMode, allowedTools from .shoal/config.json (untrusted folder; pass --trust to apply them)']);
  });

  it('quits when the user presses Ctrl+C at the prompt', async () => {
    const project = await createProject();
    expect(await settleProjectTrust({ config: project.config, isInteractive: true, folderLabel: '~', ask: askWithKey('\u0003').ask, notes: [] })).toBeUndefined();
  });
});

describe("a project's slash commands", () => {
  async function commandsProject() {
    const root = await createTempWorkspace({
      'project/.shoal/commands/review.md': '---\ndescription: Review the diff\n---\nReview $ARGUMENTS',
      'project/.shoal/commands/fix-tests.md': 'Fix the failing tests',
    });
    const cwd = path.join(root, 'project');
    const env = { SHOAL_CONFIG_DIR: path.join(root, 'user'), SHOAL_STATE_DIR: path.join(root, 'state') };
    const load = () => loadConfig({ flags: {}, env, cwd, platform: 'linux', homedir: root });
    return { cwd, load };
  }

  /** The App as the TUI builds it: a project's commands are offered only once trust applied them. */
  function renderWith(config: ResolvedConfig) {
    const model = createScriptedModel([{ text: 'Reviewing.' }]);
    const files = config.project?.isApplied ? config.project.commands : [];
    return { model, app: renderApp({ model, tools: createRegistry([]), props: { loadCommands: async () => ({ files, notes: [] }) } }) };
  }

  it('in an untrusted folder: not offered, and one line says which commands were ignored and why', async () => {
    const project = await commandsProject();
    const notes: string[] = [];
    const config = (await settleProjectTrust({ config: await project.load(), isInteractive: true, folderLabel: '~/app', ask: askWithKey('n').ask, notes }))!;
    expect(notes).toEqual(['ignoring slash commands /fix-tests, /review from .shoal/commands (untrusted folder; you will be asked again next run)']);
    const { app, model } = renderWith(config);
    await typeAndSend(app.stdin, '/review src');
    await waitForFrame(app, (frame) => frame.includes('Unknown command /review'));
    expect(model.doStreamCalls).toHaveLength(0);
  });

  it('a folder with commands and no config file can be trusted: the prompt lists them, and trust is remembered until one changes', async () => {
    const project = await commandsProject();
    const { ask, seen } = askWithKey('y');
    const config = (await settleProjectTrust({ config: await project.load(), isInteractive: true, folderLabel: '~/app', ask, notes: [] }))!;
    expect(seen.frame).toContain('.shoal/commands in ~/app would:');
    expect(seen.frame).toContain('add slash commands /fix-tests, /review from .shoal/commands');
    const { app, model } = renderWith(config);
    await typeAndSend(app.stdin, '/review src/a.ts');
    await waitForFrame(app, (frame) => frame.includes('Reviewing.'));
    expect(JSON.stringify(model.doStreamCalls[0]!.prompt)).toContain('Review src/a.ts');

    expect((await project.load()).project).toMatchObject({ trust: 'trusted', isApplied: true });
    await writeFile(path.join(project.cwd, '.shoal', 'commands', 'fix-tests.md'), 'Delete the failing tests');
    expect((await project.load()).project).toMatchObject({ trust: 'changed', isApplied: false });
  });
});
