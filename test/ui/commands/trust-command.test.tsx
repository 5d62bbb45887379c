import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config';
import { trustProject, trustStorePath } from '../../../src/config/trust';
import { createRegistry } from '../../../src/tools/registry';
import type { FolderTrust } from '../../../src/ui/commands/trust-command';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

afterEach(() => cleanup());

const CONFIG = JSON.stringify({ approvalMode: 'yolo', allowedTools: ['bash'] });

/** A project with a loosening `.shoal/config.json`, a state directory, and the folder trust start-up would hand the TUI. */
async function createProject(options: { isTrusted: boolean }) {
  const root = await createTempWorkspace({ 'project/.shoal/config.json': CONFIG, 'other/README.md': '' });
  const cwd = path.join(root, 'project');
  const stateDir = path.join(root, 'state');
  const load = () =>
    loadConfig({ flags: {}, env: { SHOAL_CONFIG_DIR: path.join(root, 'user'), SHOAL_STATE_DIR: stateDir }, cwd, platform: 'linux', homedir: path.join(root, 'home') });
  // Another folder's decision, which forgetting this one must keep.
  await trustProject({ cwd: path.join(root, 'other'), stateDir, fileBytes: Buffer.from('{}') });
  if (options.isTrusted) await trustProject({ cwd, stateDir, fileBytes: Buffer.from(CONFIG) });
  const folderTrust: FolderTrust = { folderLabel: '~/project', cwd, stateDir, project: (await load()).project };
  const app = renderApp({ model: createScriptedModel([]), tools: createRegistry([]), props: { folderTrust } });
  await waitForFrame(app, (frame) => frame.includes('welcome to shoal'));
  return { root, stateDir, load, app };
}

/** Sends a command and returns the frame once it shows `until`, its lines joined, since the terminal wraps long ones. */
async function command(app: ReturnType<typeof renderApp>, text: string, until: string): Promise<string> {
  await typeAndSend(app.stdin, text);
  return (await waitForFrame(app, (frame) => frame.includes(until))).replace(/\s+/g, ' ');
}

describe('/trust', () => {
  it('says the folder is trusted and what that applies; /trust forget removes only its record, and the settings stay until restart', async () => {
    const { root, stateDir, load, app } = await createProject({ isTrusted: true });
    expect((await load()).project).toMatchObject({ trust: 'trusted', isApplied: true });

    const status = await command(app, '/trust', 'is trusted');
    expect(status).toContain('~/project is trusted, so the settings of .shoal/config.json apply:');
    expect(status).toContain('• set approvalMode to "yolo" (commands and edits run without asking)');
    expect(status).toContain('• let bash run without asking');
    expect(status).toContain('/trust forget stops trusting it; the next start asks again.');

    const forgot = await command(app, '/trust forget', 'Forgot');
    expect(forgot).toContain(
      'Forgot the trust of ~/project: the next start asks again before applying its project settings. The settings of .shoal/config.json stay in force until shoal restarts.',
    );
    const store = JSON.parse(await readFile(trustStorePath(stateDir), 'utf8'));
    expect(Object.keys(store.folders)).toEqual([path.join(root, 'other')]);
    // The next start finds no record: it asks, and until then the settings wait.
    expect((await load()).project).toMatchObject({ trust: 'untrusted', isApplied: false });

    expect(await command(app, '/trust', 'no longer trusted')).toContain(
      'The settings of .shoal/config.json apply in this run, but ~/project is no longer trusted: the next start asks again.',
    );
    expect(await command(app, '/trust forget', 'nothing to forget')).toContain('~/project is not trusted: nothing to forget.');
  });

  it('says an untrusted folder is not trusted and what trusting it would change', async () => {
    const { app } = await createProject({ isTrusted: false });
    const status = await command(app, '/trust', 'is not trusted');
    expect(status).toContain('~/project is not trusted: the settings of .shoal/config.json are ignored in this run, and the next start asks again. They would:');
    expect(status).toContain('• let bash run without asking');
    expect(status).not.toContain('/trust forget');
  });

  it('answers /trust forget with one line when the trust store is corrupt, and leaves it as it is', async () => {
    const { stateDir, app } = await createProject({ isTrusted: true });
    await mkdir(stateDir, { recursive: true });
    await writeFile(trustStorePath(stateDir), 'not json');
    const frame = await command(app, '/trust forget', 'Could not forget');
    expect(frame).toContain(`Could not forget the trust of ~/project: ${trustStorePath(stateDir)} is not a trust store shoal wrote; it was left as it is.`);
    expect(frame).not.toMatch(/ at .+:\d+:\d+/);
    expect(await readFile(trustStorePath(stateDir), 'utf8')).toBe('not json');
  });

  it('is listed in /help, and refuses an unknown option with the ones it takes', async () => {
    const { app } = await createProject({ isTrusted: false });
    expect(await command(app, '/help', 'Commands')).toMatch(/\/trust \[forget\] +whether this folder's project settings are trusted/);
    expect(await command(app, '/trust revoke', 'takes nothing')).toContain('/trust takes nothing or forget, not revoke');
  });
});
