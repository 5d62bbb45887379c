import { appendFileSync } from 'node:fs';
import { modelMessageSchema } from 'ai';
import { describe, expect, it } from 'vitest';
import { summariseHistory } from '../../src/session/recorder';
import { createSessionWriter, loadSession, sessionsDir } from '../../src/session/sessions';
import { pngBytes } from '../helpers/images';
import { createTempWorkspace } from '../helpers/temp-workspace';

const image = { path: 'shot.png', mediaType: 'image/png', data: pngBytes().toString('base64') };

async function writer() {
  const dir = sessionsDir({ env: { SHOAL_STATE_DIR: await createTempWorkspace() }, platform: process.platform, homedir: '/nowhere' });
  return { dir, writer: createSessionWriter({ dir, cwd: '/work/app', model: 'gpt-4o' }) };
}

describe('a saved prompt with images', () => {
  it('loads back as the user message it was: the text, then each image as a file part a request can carry', async () => {
    const { dir, writer: session } = await writer();
    session.append({ type: 'prompt', text: 'what is wrong here?', images: [image] });
    const loaded = loadSession({ dir, id: session.id });
    expect(loaded.problems).toEqual([]);
    expect(loaded.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is wrong here?' },
          { type: 'file', mediaType: 'image/png', data: { type: 'data', data: image.data }, filename: 'shot.png' },
        ],
      },
    ]);
    expect(modelMessageSchema.safeParse(loaded.messages[0]).success).toBe(true);
    // Listings read the text only; a resumed transcript names the image.
    expect(loaded.summary.firstPrompt).toBe('what is wrong here?');
    expect(summariseHistory(loaded.messages)).toEqual([{ prompt: 'what is wrong here?\n[image: shot.png]', answer: '' }]);
  });

  it('skips a prompt line whose images are malformed, saying why', async () => {
    const { dir, writer: session } = await writer();
    appendFileSync(session.path, `${JSON.stringify({ type: 'prompt', text: 'x', images: [{ path: 'a.png' }], time: new Date().toISOString() })}\n`);
    const loaded = loadSession({ dir, id: session.id });
    expect(loaded.messages).toEqual([]);
    expect(loaded.problems).toEqual([expect.stringContaining('corrupt line skipped: prompt with malformed images')]);
  });
});
