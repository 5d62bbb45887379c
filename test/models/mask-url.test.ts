import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { maskUrl, maskUrlsIn } from '../../src/models/mask-url';
import { describeModelError } from '../../src/models/model-errors';
import { loadStartupConfig, resolveStartup } from '../../src/cli/startup';
import { createTempWorkspace } from '../helpers/temp-workspace';

describe('maskUrl', () => {
  it('hides user, password and query values, and leaves a plain URL as it was', () => {
    expect(maskUrl('http://user:pass@host:8080/v1')).toBe('http://***:***@host:8080/v1');
    expect(maskUrl('https://token@host/v1/')).toBe('https://***@host/v1/');
    expect(maskUrl('https://host/v1?key=sk-secret&api-version=2')).toBe('https://host/v1?key=***&api-version=***');
    expect(maskUrl('http://127.0.0.1:11434/v1')).toBe('http://127.0.0.1:11434/v1');
    expect(maskUrl('http://127.0.0.1:11434')).toBe('http://127.0.0.1:11434');
    expect(maskUrl('not a url //me:pw@x?key=sk')).not.toMatch(/pw|sk$/);
  });

  it('masks every URL inside a message', () => {
    expect(maskUrlsIn('fetch failed for http://a:b@h/v1/chat/completions?key=zz, retry')).toBe('fetch failed for http://***:***@h/v1/chat/completions?key=***, retry');
  });
});

describe('credentials in --base-url', () => {
  it('never reach the greeting', async () => {
    const cwd = await createTempWorkspace();
    const flags = { isInteractive: false, baseUrl: 'http://alice:hunter2@127.0.0.1:9/v1?key=sk-live', model: 'm' };
    const startup = await resolveStartup(flags, await loadStartupConfig(flags, cwd));
    expect(startup.modelLine).toBe('model m at http://***:***@127.0.0.1:9/v1?key=***');
  });

  it('never reach a model error, whatever the server quotes back', () => {
    const url = 'http://alice:hunter2@127.0.0.1:9/v1/chat/completions?key=sk-live';
    for (const statusCode of [401, 404, 500]) {
      const error = new APICallError({ message: `failed at ${url}`, url, requestBodyValues: {}, statusCode, responseBody: `{"error":{"message":"bad ${url}"}}` });
      const described = describeModelError(error);
      expect(described).not.toMatch(/hunter2|alice|sk-live/);
    }
    expect(describeModelError(new Error(`could not fetch ${url}`))).not.toMatch(/hunter2|sk-live/);
  });
});
