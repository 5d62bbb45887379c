import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { createPolicyApproval } from '../../src/agent/approval';
import { runHeadless, type HeadlessSummary } from '../../src/cli/headless';
import { createModel } from '../../src/models/model';
import { priceFor } from '../../src/models/prices';
import { createRegistry } from '../../src/tools/registry';
import { loadMarkdown } from '../../src/ui/Markdown';
import { startOpenAIServer } from '../helpers/openai-server';
import { renderApp, typeAndSend, waitForFrame } from '../helpers/render-app';
import { createTempWorkspace } from '../helpers/temp-workspace';

beforeAll(() => loadMarkdown());
afterEach(() => cleanup());

// The loopback server's usage chunk: 42 prompt tokens (30 of them cached), 7 completion tokens (5 reasoning).
const CACHED_REPLY = { text: 'Done.', usage: { cachedTokens: 30, reasoningTokens: 5 } };
const GPT_41 = priceFor({ modelId: 'gpt-4.1' })!;
const GPT_41_COST = (12 * 2 + 30 * 0.5 + 7 * 8) / 1_000_000;

async function headlessJson(price?: typeof GPT_41): Promise<HeadlessSummary> {
  const server = await startOpenAIServer([CACHED_REPLY]);
  const { model } = await createModel({ model: 'gpt-4.1', baseUrl: server.baseUrl, apiKey: 'k' });
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => (out += chunk));
  const code = await runHeadless({
    setup: { cwd: await createTempWorkspace({}), model, price },
    prompt: 'go',
    outputFormat: 'json',
    requestApproval: createPolicyApproval({ allowedTools: new Set(), deniedFeedback: 'no' }),
    signal: new AbortController().signal,
    stdout,
    stderr: new PassThrough(),
  });
  expect(code).toBe(0);
  return JSON.parse(out) as HeadlessSummary;
}

describe('cached tokens and cost in the JSON summary', () => {
  it('carries the cached and reasoning counts of the usage chunk, and no cost for a model served locally', async () => {
    // createModel prices nothing at a loopback address, even named gpt-4.1: it is not OpenAI's bill.
    const summary = await headlessJson();
    expect(summary.usage).toEqual({ inputTokens: 42, outputTokens: 7, cachedInputTokens: 30, reasoningTokens: 5 });
    expect(summary).not.toHaveProperty('costUsd');
  });

  it('adds the cost when the price is known', async () => {
    const summary = await headlessJson(GPT_41);
    expect(summary.costUsd).toBeCloseTo(GPT_41_COST, 12);
    expect(summary.usage).not.toHaveProperty('costUsd');
  });
});

describe('cached tokens and cost in the TUI', () => {
  it('shows cached tokens and the cost with its source in /stats, and the cost on the turn-end line', async () => {
    const server = await startOpenAIServer([CACHED_REPLY]);
    const { model } = await createModel({ model: 'gpt-4.1', baseUrl: server.baseUrl, apiKey: 'k' });
    const app = renderApp({ model, tools: createRegistry([]), price: GPT_41 });
    await typeAndSend(app.stdin, 'go');
    const done = await waitForFrame(app, (frame) => frame.includes('done in'));
    expect(done).toMatch(/done in .* · 49 tokens · \$0\.0001/);
    await typeAndSend(app.stdin, '/stats');
    const stats = await waitForFrame(app, (frame) => frame.includes('Session stats'));
    expect(stats).toMatch(/input tokens +42 \(30 cached\)/);
    expect(stats).toMatch(/output tokens +7 \(5 reasoning\)/);
    expect(stats).toMatch(/cost +\$0\.0001 \(prices per openai\.com\/api\/pricing, 2025-04\)/);
  });

  it('says the cost is unknown, not zero, when the model has no price', async () => {
    const server = await startOpenAIServer([CACHED_REPLY]);
    const { model } = await createModel({ model: 'llama3', baseUrl: server.baseUrl, apiKey: 'k' });
    const app = renderApp({ model, tools: createRegistry([]) });
    await typeAndSend(app.stdin, 'go');
    const done = await waitForFrame(app, (frame) => frame.includes('done in'));
    expect(done).not.toContain('$');
    await typeAndSend(app.stdin, '/stats');
    expect(await waitForFrame(app, (frame) => frame.includes('Session stats'))).toMatch(/cost +unknown/);
  });
});
