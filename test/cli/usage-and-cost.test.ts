import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { createPolicyApproval } from '../../src/agent/calls/approval';
import { runHeadless, type HeadlessSummary } from '../../src/cli/headless';
import { createModel } from '../../src/models/model';
import { costOf, priceFor } from '../../src/models/prices';
import { createContextBudget } from '../../src/agent/context/budget';
import type { Usage } from '../../src/agent/nodes';
import { createRegistry } from '../../src/tools/registry';
import { loadMarkdown } from '../../src/ui/markdown/Markdown';
import { startOpenAIServer, type ServerReply } from '../helpers/openai-server';
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

const WINDOW = { tokens: 16_384, source: 'test', isKnown: true };
const SUMMARY_REQUEST = 'Summarise this conversation';

/** The usage one scripted reply reports, as the server's usage chunk says it. */
function reportedUsage(reply: ServerReply): Usage {
  const { promptTokens = 42, completionTokens = 7, cachedTokens, reasoningTokens } = reply.usage ?? {};
  return { inputTokens: promptTokens, outputTokens: completionTokens, cachedInputTokens: cachedTokens ?? 0, reasoningTokens: reasoningTokens ?? 0 };
}

describe('a run that compacts, in the JSON summary', () => {
  it('counts every request the server billed, the main agent’s and a research sub-agent’s summaries included, in usage and costUsd', async () => {
    const cwd = await createTempWorkspace(Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`src/part${index}.ts`, `export const part${index} = ${index};\n`])));
    const reads = { main: 0, research: 0 };
    const summaries = { main: 0, research: 0 };
    const billed: Usage[] = [];
    let hasAsked = false;
    // Long reasoning in every step: only a summary, never clearing tool outputs, brings such a history back under its window.
    const thinking = (who: string, part: number) => `${who} note ${part}: part ${part} defines a helper; next I compare how each part rounds. `.repeat(100);
    const script = (body: Record<string, any>, index: number): ServerReply => {
      const text = JSON.stringify(body.messages);
      if (text.includes(SUMMARY_REQUEST)) {
        summaries[text.includes('research note') ? 'research' : 'main'] += 1;
        return { text: '## Goal\nFind the rounding.\n## Open work\nRead on.', usage: { promptTokens: 3000 + index, completionTokens: 200, cachedTokens: 1024, reasoningTokens: 64 } };
      }
      const usage = { promptTokens: 100 + index, completionTokens: 20 + index, cachedTokens: index };
      if (String(body.messages[0].content).includes('research sub-agent')) {
        if (reads.research >= 7) return { text: 'Rounding is in part 6.', usage };
        const part = reads.research++;
        return { text: thinking('research', part), toolCalls: [{ id: `r${part}`, name: 'read_file', arguments: JSON.stringify({ path: `src/part${part}.ts` }) }], usage };
      }
      if (!hasAsked) {
        hasAsked = true;
        return { toolCalls: [{ id: 'ask', name: 'research_codebase', arguments: JSON.stringify({ question: 'Where are invoices rounded?' }) }], usage };
      }
      if (reads.main >= 7) return { text: 'Rounding happens in part 11.', usage };
      const part = 5 + reads.main++;
      return { text: thinking('main', part), toolCalls: [{ id: `m${part}`, name: 'read_file', arguments: JSON.stringify({ path: `src/part${part}.ts` }) }], usage };
    };
    const server = await startOpenAIServer((body, index) => {
      const reply = script(body, index);
      billed.push(reportedUsage(reply));
      return reply;
    });
    const { model } = await createModel({ model: 'gpt-4.1', baseUrl: server.baseUrl, apiKey: 'k' });
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk) => (out += chunk));
    const code = await runHeadless({
      setup: { cwd, model, price: GPT_41, contextWindow: () => WINDOW },
      prompt: 'Find where the invoices are rounded.',
      outputFormat: 'json',
      requestApproval: createPolicyApproval({ allowedTools: new Set(), deniedFeedback: 'no' }),
      context: createContextBudget({ window: WINDOW }),
      signal: new AbortController().signal,
      stdout,
      stderr: new PassThrough(),
    });
    const summary = JSON.parse(out) as HeadlessSummary;

    expect(code).toBe(0);
    expect(summaries.main, 'the main agent compacted with a summary').toBeGreaterThan(0);
    expect(summaries.research, 'the research sub-agent compacted with a summary').toBeGreaterThan(0);
    expect(billed.length).toBe(server.requests.length);
    const sum = (field: keyof Usage) => billed.reduce((total, usage) => total + Number(usage[field] ?? 0), 0);
    expect(summary.usage).toEqual({
      inputTokens: sum('inputTokens'),
      outputTokens: sum('outputTokens'),
      cachedInputTokens: sum('cachedInputTokens'),
      reasoningTokens: sum('reasoningTokens'),
    });
    expect(summary.costUsd).toBeCloseTo(billed.reduce((total, usage) => total + costOf(usage, GPT_41), 0), 12);
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

  it('counts the summary call of /compact in /stats and the status bar, tokens and cost', async () => {
    // The summary's usage chunk: 42 prompt tokens (10 cached), 7 completion tokens (3 reasoning).
    // A long first exchange, which the summary replaces, and a short latest one, kept whole.
    const longReply = { ...CACHED_REPLY, text: `Done. ${'Checked every module and its tests. '.repeat(60)}` };
    const server = await startOpenAIServer([longReply, CACHED_REPLY, { text: '## Goal\nSay go.', usage: { cachedTokens: 10, reasoningTokens: 3 } }]);
    const { model } = await createModel({ model: 'gpt-4.1', baseUrl: server.baseUrl, apiKey: 'k' });
    const app = renderApp({ model, tools: createRegistry([]), price: GPT_41, props: { contextWindowOf: () => WINDOW } });
    await typeAndSend(app.stdin, 'go');
    await waitForFrame(app, (frame) => frame.includes('done in'));
    await typeAndSend(app.stdin, 'again');
    await waitForFrame(app, (frame) => /done in[^]*done in/.test(frame));
    await typeAndSend(app.stdin, '/compact');
    const compacted = await waitForFrame(app, (frame) => frame.includes('older messages summarised') && /done in[^]*done in[^]*done in/.test(frame));
    expect(server.requests[2]!.messages.at(-1).content).toContain(SUMMARY_REQUEST);
    // The /compact turn's own line, then the status bar's session total.
    expect(compacted).toMatch(/older messages summarised.*\ndone in .* · 49 tokens · \$0\.0001/);
    expect(compacted).toMatch(/ready .* · 147 tokens/);
    await typeAndSend(app.stdin, '/stats');
    const stats = await waitForFrame(app, (frame) => frame.includes('Session stats'));
    expect(stats).toMatch(/input tokens +126 \(70 cached\)/);
    expect(stats).toMatch(/output tokens +21 \(13 reasoning\)/);
    const summaryCost = (32 * 2 + 10 * 0.5 + 7 * 8) / 1_000_000;
    expect(stats).toContain(`cost                    $${(2 * GPT_41_COST + summaryCost).toFixed(4)}`);
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
