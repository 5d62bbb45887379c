import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { userContent } from '../../../src/agent/user-content';
import { createModel, type ModelSettings } from '../../../src/models/model';
import { createReadFileTool } from '../../../src/tools/read-file';
import { createRegistry } from '../../../src/tools/registry';
import { ofType } from '../../helpers/collect';
import { pngBytes } from '../../helpers/images';
import { startOpenAIServer } from '../../helpers/openai-server';
import { startResponsesServer } from '../../helpers/responses-server';
import { runTurn } from '../../helpers/run-turn';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const PNG = pngBytes(3, 2);
const PNG_URL = `data:image/png;base64,${PNG.toString('base64')}`;
const withShot: ModelMessage[] = [{ role: 'user', content: userContent('what is wrong here?', [{ path: 'shot.png', mediaType: 'image/png', data: PNG.toString('base64') }]) }];
const readShot = { name: 'read_file', arguments: '{"path":"shot.png"}' };

/** A turn of the real loop with read_file over a workspace holding shot.png (a real PNG), against the model `settings` name. */
async function turn(settings: Omit<ModelSettings, 'apiKey'>, messages: ModelMessage[] = [{ role: 'user', content: 'read shot.png' }]) {
  const cwd = await createTempWorkspace({ 'shot.png': PNG });
  const { model, isTakingImages } = await createModel({ apiKey: 'k', ...settings });
  const tools = createRegistry([createReadFileTool({ cwd, isTakingImages: () => isTakingImages === true })]);
  return runTurn({ model, messages, tools, maxRetries: 0 });
}

/** Every string anywhere in a request body, to prove no image data went where text goes. */
function bodyText(body: unknown): string {
  return JSON.stringify(body);
}

describe('an image in the prompt', () => {
  it('reaches Chat Completions as an image_url part with a data:image/png;base64 URL, after the text', async () => {
    for (const provider of ['openai-compatible', 'openai'] as const) {
      const server = await startOpenAIServer([{ text: 'I see a button.' }]);
      const nodes = await turn({ model: 'gpt-4o', baseUrl: server.baseUrl, api: 'chat', provider }, withShot);
      expect(ofType(nodes, 'run-end')[0]).toMatchObject({ reason: 'done' });
      const user = server.requests[0]!.messages.find((message: { role: string }) => message.role === 'user');
      expect(user.content).toEqual([
        { type: 'text', text: 'what is wrong here?' },
        { type: 'image_url', image_url: { url: PNG_URL } },
      ]);
    }
  });

  it('reaches the Responses API as input_image with the same data URL', async () => {
    const server = await startResponsesServer([{ text: 'I see a button.' }]);
    await turn({ model: 'gpt-5.4', baseUrl: server.baseUrl, api: 'responses' }, withShot);
    const user = (server.requests[0]!.input as Record<string, any>[]).find((item) => item.role === 'user');
    expect(user!.content).toEqual([
      { type: 'input_text', text: 'what is wrong here?' },
      { type: 'input_image', image_url: PNG_URL },
    ]);
  });

  it('goes as a one-line note to a model that takes no images, even from a history that holds one (after /model)', async () => {
    const server = await startOpenAIServer([{ text: 'ok' }]);
    await turn({ model: 'qwen3-coder', baseUrl: server.baseUrl }, withShot);
    const user = server.requests[0]!.messages.find((message: { role: string }) => message.role === 'user');
    expect(user.content).toEqual([
      { type: 'text', text: 'what is wrong here?' },
      { type: 'text', text: '[image shot.png not sent: this model does not take images]' },
    ]);
    expect(bodyText(server.requests[0])).not.toContain(PNG.toString('base64'));
  });

  it('follows the images setting over the model id, both ways', async () => {
    const server = await startOpenAIServer([{ text: 'ok' }, { text: 'ok' }]);
    await turn({ model: 'my-local-vlm', baseUrl: server.baseUrl, images: true }, withShot);
    await turn({ model: 'gpt-4o', baseUrl: server.baseUrl, images: false }, withShot);
    expect(bodyText(server.requests[0])).toContain(PNG_URL);
    expect(bodyText(server.requests[1])).not.toContain(PNG.toString('base64'));
  });
});

describe('read_file of an image', () => {
  it('gives the Responses API the image inside the function_call_output, as input_image', async () => {
    const server = await startResponsesServer([{ toolCalls: [{ callId: 'call_1', ...readShot }] }, { text: 'A grey square.' }]);
    const nodes = await turn({ model: 'gpt-5.4', baseUrl: server.baseUrl, api: 'responses' });
    expect(ofType(nodes, 'tool-call-end')).toMatchObject([{ status: 'ok', summary: `PNG image, 3x2, ${PNG.length} bytes` }]);
    const output = (server.requests[1]!.input as Record<string, any>[]).find((item) => item.type === 'function_call_output');
    expect(output).toEqual({
      type: 'function_call_output',
      call_id: 'call_1',
      output: [
        { type: 'input_text', text: `shot.png: a PNG image, 3x2, ${PNG.length} bytes.` },
        { type: 'input_image', image_url: PNG_URL },
      ],
    });
  });

  it('gives Chat Completions the image in a user message after the tool message, whose text says so (a tool message takes only text)', async () => {
    const server = await startOpenAIServer([{ toolCalls: [{ id: 'call_1', ...readShot }] }, { text: 'A grey square.' }]);
    await turn({ model: 'gpt-4.1-mini', baseUrl: server.baseUrl, api: 'chat' });
    const messages = server.requests[1]!.messages as Record<string, any>[];
    const toolIndex = messages.findIndex((message) => message.role === 'tool');
    expect(messages[toolIndex]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: `shot.png: a PNG image, 3x2, ${PNG.length} bytes.\n[The image is in the next message.]` });
    expect(messages[toolIndex + 1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'The image the tool call above returned:' },
        { type: 'image_url', image_url: { url: PNG_URL } },
      ],
    });
    expect(messages).toHaveLength(toolIndex + 2);
  });

  it('gives a text-only model a note of what the image is, and no image data', async () => {
    const server = await startOpenAIServer([{ toolCalls: [{ id: 'call_1', ...readShot }] }, { text: 'ok' }]);
    await turn({ model: 'qwen3-coder', baseUrl: server.baseUrl });
    const tool = (server.requests[1]!.messages as Record<string, any>[]).find((message) => message.role === 'tool');
    expect(tool!.content).toBe(
      `shot.png is a PNG image (3x2, ${PNG.length} bytes); this model does not take images, so its content cannot be shown. Ask the user what it shows if you need to know.`,
    );
    expect(bodyText(server.requests[1])).not.toContain(PNG.toString('base64'));
  });
});

describe('a server that refuses images', () => {
  it('ends the turn with one line that says what to do', async () => {
    const body = JSON.stringify({ error: { message: 'Invalid content type. image_url is only supported by certain models.', type: 'invalid_request_error', param: 'messages.[0].content.[1].type', code: null } });
    const server = await startOpenAIServer([{ raw: { status: 400, body } }]);
    const nodes = await turn({ model: 'gpt-4o', baseUrl: server.baseUrl, api: 'chat', provider: 'openai' }, withShot);
    const end = ofType(nodes, 'run-end')[0]!;
    expect(end.reason).toBe('error');
    expect(end.error).toBe(
      'The model server refused the image (400: Invalid content type. image_url is only supported by certain models.): this model may not take images. Set "images": false in the settings and shoal sends a note in place of each image.',
    );
  });
});
