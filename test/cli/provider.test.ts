import { describe, expect, it } from 'vitest';
import { resolveSession, resolveStartup } from '../../src/cli/startup';
import type { ResolvedConfig, Settings } from '../../src/config/settings';
import { ofType } from '../helpers/collect';
import { startOpenAIServer } from '../helpers/openai-server';
import { startResponsesServer } from '../helpers/responses-server';
import { runTurn } from '../helpers/run-turn';
import { createTempWorkspace } from '../helpers/temp-workspace';

/** Start-up from these settings, as `loadConfig` would hand them over. */
function startupWith(settings: Settings, promptCacheKey?: () => string | undefined) {
  const config: ResolvedConfig = { settings, sources: {}, files: { user: '', project: '' }, notes: [] };
  return resolveStartup({ isInteractive: false }, config, { promptCacheKey });
}

describe('the provider setting', () => {
  it('"openai" speaks the Responses API at a base URL, for /model’s models too, keyed by the session', async () => {
    const server = await startResponsesServer(() => ({ text: 'ok' }));
    const startup = await startupWith({ baseUrl: server.baseUrl, apiKey: 'k', provider: 'openai', model: 'gpt-5.4' }, () => 'session-1');
    expect(startup.modelLine).toBe(`model gpt-5.4 at ${server.baseUrl} (Responses API)`);
    expect(ofType(await runTurn({ model: startup.main.model, maxRetries: 0 }), 'run-end')[0]!.reason).toBe('done');
    const mini = await startup.selectModel('gpt-5.4-mini');
    expect(ofType(await runTurn({ model: mini.model, maxRetries: 0 }), 'run-end')[0]!.reason).toBe('done');
    expect(server.paths).toEqual(['/v1/responses', '/v1/responses']);
    expect(server.requests.map((body) => [body.model, body.prompt_cache_key])).toEqual([
      ['gpt-5.4', 'session-1'],
      ['gpt-5.4-mini', 'session-1'],
    ]);
  });

  it('"chat", or none with a base URL, speaks Chat Completions', async () => {
    const server = await startOpenAIServer(() => ({ text: 'ok' }));
    for (const provider of ['chat', undefined] as const) {
      const startup = await startupWith({ baseUrl: server.baseUrl, apiKey: 'k', provider, model: 'qwen3' });
      expect(startup.modelLine).toBe(`model qwen3 at ${server.baseUrl}`);
      expect(ofType(await runTurn({ model: startup.main.model, maxRetries: 0 }), 'run-end')[0]!.reason).toBe('done');
    }
    expect(server.requests).toHaveLength(2);
    // Without a base URL, "chat" is OpenAI's Chat Completions, which the greeting says.
    expect((await startupWith({ apiKey: 'k', provider: 'chat' })).modelLine).toBe('model gpt-5.4 on OpenAI (Chat Completions)');
    expect((await startupWith({ apiKey: 'k' })).modelLine).toBe('model gpt-5.4 on OpenAI');
  });
});

describe('the session’s id, for the prompt cache', () => {
  it('is the resumed session’s until a recorder exists, then the recorder’s', async () => {
    const dir = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    const fresh = resolveSession({ cwd, modelId: 'm', dir });
    expect(fresh.id()).toBeUndefined();
    const recorder = fresh.createRecorder(() => {});
    recorder.recordPrompt('hi');
    expect(fresh.id()).toBe(recorder.id);
    expect(fresh.id()).toMatch(/^\d{4}-/);

    const resumed = resolveSession({ cwd, modelId: 'm', dir, isContinue: true });
    expect(resumed.id()).toBe(recorder.id);
    const again = resumed.createRecorder(() => {});
    expect(resumed.id()).toBe(recorder.id);
    // After /clear the next prompt starts a new session, and a new key with it.
    again.startNew();
    again.recordPrompt('new topic');
    expect(resumed.id()).not.toBe(recorder.id);
    expect(resumed.id()).toBe(again.id);
  });
});
