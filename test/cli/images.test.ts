import { execa } from 'execa';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../src/workspace/images/read-image';
import { buildCliForTest } from '../helpers/built-cli';
import { pngBytes } from '../helpers/images';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

const SHOT = pngBytes(6, 4);
const SHOT_URL = `data:image/png;base64,${SHOT.toString('base64')}`;

type Message = { role: string; content: unknown; tool_call_id?: string };

/** The headless CLI against a loopback server; every run of one test shares its state folder, so --continue finds the last. */
async function setup(files: Record<string, string | Buffer>, replies: Parameters<typeof startOpenAIServer>[0]) {
  const cwd = await createTempWorkspace(files);
  const state = await createTempWorkspace();
  const server = await startOpenAIServer(replies);
  const env = { ...process.env, OPENAI_API_KEY: 'test', OPENAI_BASE_URL: '', SHOAL_MODEL: '', SHOAL_STATE_DIR: state, SHOAL_CONFIG_DIR: path.join(state, 'config') };
  const run = (args: string[], model = 'gpt-4o') =>
    execa(process.execPath, [cli, '--cwd', cwd, '--base-url', server.baseUrl, '--model', model, ...args], { env, reject: false, stdin: 'ignore' });
  return { cwd, server, run };
}

function imageUrls(messages: Message[]): string[] {
  return messages.flatMap((message) => (Array.isArray(message.content) ? message.content : []).flatMap((part: { type: string; image_url?: { url: string } }) => (part.type === 'image_url' ? [part.image_url!.url] : [])));
}

describe('images in a headless prompt', () => {
  it('attaches @shot.png, says so on stderr, and --continue sends it again from the saved session', async () => {
    const { server, run } = await setup({ 'shot.png': SHOT }, [{ text: 'A grey button.' }, { text: 'Still grey.' }]);
    const first = await run(['-p', 'look at @shot.png']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe('A grey button.');
    expect(first.stderr).toContain(`shoal: [image: shot.png 6x4, ${SHOT.length} bytes]`);
    const [user] = (server.requests[0]!.messages as Message[]).filter((message) => message.role === 'user');
    expect(user!.content).toEqual([
      { type: 'text', text: 'look at @shot.png' },
      { type: 'image_url', image_url: { url: SHOT_URL } },
    ]);

    const second = await run(['-p', 'and now?', '--continue']);
    expect(second.exitCode).toBe(0);
    expect(imageUrls(server.requests[1]!.messages)).toEqual([SHOT_URL]);
  });

  it('attaches a pasted path with backslash-escaped spaces, outside the workspace', async () => {
    const desktop = await createTempWorkspace({ 'Screen Shot 09.41.png': SHOT });
    const pasted = path.join(desktop, 'Screen Shot 09.41.png').replaceAll(' ', '\\ ');
    const { server, run } = await setup({}, [{ text: 'ok' }]);
    const result = await run(['-p', `what is wrong here? ${pasted}`]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`[image: ${path.join(desktop, 'Screen Shot 09.41.png')} 6x4`);
    expect(imageUrls(server.requests[0]!.messages)).toEqual([SHOT_URL]);
  });

  it('refuses an image over the cap and a text file named .png in one line each, and sends neither as an image', async () => {
    const { server, run } = await setup({ 'big.png': Buffer.concat([SHOT, Buffer.alloc(MAX_IMAGE_BYTES)]), 'fake.png': 'plain text\n' }, [{ text: 'ok' }]);
    const result = await run(['-p', 'see ./big.png and ./fake.png']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr.split('\n')).toEqual(
      expect.arrayContaining(['shoal: big.png is 5 MB, over the 5 MB limit for images; not sent.', 'shoal: fake.png is not a PNG, JPEG, GIF or WebP image; not sent.']),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(imageUrls(server.requests[0]!.messages)).toEqual([]);
  });

  it('tells the user a text-only model gets no image, and sends none', async () => {
    const { server, run } = await setup({ 'shot.png': SHOT }, [{ text: 'ok' }]);
    const result = await run(['-p', 'look at @shot.png'], 'qwen3-coder');
    expect(result.exitCode).toBe(0);
    expect(result.stderr.split('\n')).toContain('shoal: shot.png not attached: this model does not take images (set "images": true in the settings if it does).');
    expect(JSON.stringify(server.requests[0])).not.toContain(SHOT.toString('base64'));
  });

  it('keeps an image read_file returned in the saved session, so --continue sends it again', async () => {
    const { server, run } = await setup({ 'ui.png': SHOT }, [
      { toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"ui.png"}' }] },
      { text: 'It is a grey square.' },
      { text: 'Yes.' },
    ]);
    expect((await run(['-p', 'what is in ui.png?'])).exitCode).toBe(0);
    expect(imageUrls(server.requests[1]!.messages)).toEqual([SHOT_URL]);
    const resumed = await run(['-p', 'sure?', '--continue']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).not.toContain('corrupt');
    expect(imageUrls(server.requests[2]!.messages)).toEqual([SHOT_URL]);
  });
});
