import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../src/tools/registry';
import { pngBytes } from '../../helpers/images';
import { renderApp, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

afterEach(() => cleanup());

const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
const SHOT = pngBytes(6, 4);

/** The App on a scripted model, said to take images or not, in a workspace holding shots/shot.png, after a prompt that pastes its path. */
async function app(isTakingImages: boolean) {
  const cwd = await createTempWorkspace({ 'shots/shot.png': SHOT });
  const model = createScriptedModel([{ text: 'A grey button.' }]);
  const instance = renderApp({ model, tools: createRegistry([]), props: { cwd, initialModel: { modelId: 'scripted', model, isTakingImages } } });
  await tick();
  instance.stdin.write('why is this grey? ./shots/shot.png');
  await tick();
  instance.stdin.write('\r');
  const frame = await waitForFrame(instance, (text) => text.includes('A grey button.'));
  return { model, frame };
}

describe('an image path pasted into the prompt', () => {
  it('attaches the image after the text and shows it in the transcript', async () => {
    const { model, frame } = await app(true);
    expect(frame).toContain(`[image: shots/shot.png 6x4, ${SHOT.length} bytes]`);
    const user = model.doStreamCalls[0]!.prompt.find((message) => message.role === 'user')!;
    expect(user.content).toEqual([
      { type: 'text', text: 'why is this grey? ./shots/shot.png' },
      { type: 'file', mediaType: 'image/png', filename: 'shots/shot.png', data: { type: 'data', data: SHOT.toString('base64') } },
    ]);
  });

  it('says in one line that a text-only model gets no image, and sends the text alone', async () => {
    const { model, frame } = await app(false);
    expect(frame).toContain('shots/shot.png not attached: this model does not take images');
    const user = model.doStreamCalls[0]!.prompt.find((message) => message.role === 'user')!;
    expect(user.content).toEqual([{ type: 'text', text: 'why is this grey? ./shots/shot.png' }]);
  });
});
