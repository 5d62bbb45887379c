import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { pngBytes } from '../helpers/images';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux } from '../helpers/tmux';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

describe('images in the TUI, in a real terminal', () => {
  it('attaches a screenshot dropped into the prompt as an escaped path, and shows it in the transcript', async () => {
    const shot = pngBytes(12, 8);
    const cwd = await createTempWorkspace();
    const desktop = await createTempWorkspace({ 'Screen Shot 1.png': shot });
    const server = await startOpenAIServer([{ text: 'The button is grey.' }]);
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'gpt-4o', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });

    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    // What a terminal types when a file is dropped on it: the path, spaces escaped.
    await terminal.submit(`why is it grey? ${path.join(desktop, 'Screen Shot 1.png').replaceAll(' ', '\\ ')}`);
    const answered = await terminal.waitFor((screen) => screen.includes('The button is grey.'));
    expect(answered).toContain(`Screen Shot 1.png 12x8, ${shot.length} bytes]`);
    expect(JSON.stringify(server.requests[0]!.messages)).toContain(`"image_url":{"url":"data:image/png;base64,${shot.toString('base64')}"}`);
  }, 60_000);
});
