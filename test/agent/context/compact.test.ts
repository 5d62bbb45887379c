import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { denyAll } from '../../../src/agent/calls/approval';
import { createContextBudget } from '../../../src/agent/context/budget';
import { estimateTextTokens } from '../../../src/agent/context/estimate';
import { COMPACTED_HEADER } from '../../../src/agent/context/summarise';
import { runAgent, type RunAgentOptions } from '../../../src/agent/loop';
import type { AgentNode } from '../../../src/agent/nodes';
import { addUsage, ZERO_USAGE } from '../../../src/agent/usage';
import { createModel } from '../../../src/models/model';
import { costOf, type ModelPrice } from '../../../src/models/prices';
import { createRegistry } from '../../../src/tools/registry';
import { collect, ofType } from '../../helpers/collect';
import { createFakeTool } from '../../helpers/fake-tools';
import { startOpenAIServer } from '../../helpers/openai-server';
import { createScriptedModel } from '../../helpers/scripted-model';

const FIRST_INSTRUCTION = 'Rename every Invoice to Bill, and never touch the migrations folder. Answer in French.';
const big = (label: string, chars = 2400) => `${label}: ${'lorem ipsum dolor sit amet '.repeat(Math.ceil(chars / 27)).slice(0, chars)}`;

/** A read tool whose every output is large, as reading big files is. */
const bigReads = () =>
  createRegistry([
    {
      ...createFakeTool({ name: 'read', kind: 'read-only' }),
      execute: async (input: { label: string }) => ({ output: big(`contents of ${input.label}`), summary: 'big' }),
    },
  ]);

type RunOverrides = Pick<RunAgentOptions, 'model' | 'context' | 'compactOnly' | 'maxRetries' | 'price'> & { messages?: ModelMessage[] };

function run({ messages = [{ role: 'user', content: FIRST_INSTRUCTION }], ...options }: RunOverrides): Promise<AgentNode[]> {
  const agentOptions: RunAgentOptions = {
    ...options,
    instructions: 'test',
    messages,
    tools: bigReads(),
    signal: new AbortController().signal,
    requestApproval: denyAll,
  };
  return collect(runAgent(agentOptions));
}

/** The text of every message the model was sent in its call number `index`. */
function promptText(model: ReturnType<typeof createScriptedModel>, index: number): string {
  return JSON.stringify(model.doStreamCalls[index]!.prompt);
}

/** Every tool result in a prompt answers a tool call made earlier in the same prompt. */
function expectPaired(model: ReturnType<typeof createScriptedModel>, index: number): void {
  const seen = new Set<string>();
  for (const message of model.doStreamCalls[index]!.prompt) {
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'tool-call') seen.add(part.toolCallId);
      if (part.type === 'tool-result') expect(seen.has(part.toolCallId), `result ${part.toolCallId} has its call`).toBe(true);
    }
  }
}

describe('compaction in the loop', () => {
  it('clears old tool outputs first, marked, when that is enough, and the run goes on', async () => {
    const steps = Array.from({ length: 8 }, (_, index) => ({ calls: [{ toolName: 'read', input: { label: `file-${index}` } }] }));
    const model = createScriptedModel([...steps, { text: 'Fini.' }]);
    const context = createContextBudget({ window: { tokens: 6000, source: 'test', isKnown: true } });
    const nodes = await run({ model, context });

    expect(ofType(nodes, 'run-end')[0]!.reason).toBe('done');
    const ends = ofType(nodes, 'compaction-end');
    expect(ends.length).toBeGreaterThan(0);
    expect(ends[0]!.method).toBe('cleared-outputs');
    expect(ends[0]!.tokensAfter).toBeLessThan(ends[0]!.tokensBefore);
    // Every request stayed under the window, and the cleared outputs say so to the model.
    for (const node of ofType(nodes, 'context-size')) expect(node.tokens).toBeLessThan(6000);
    const last = promptText(model, model.doStreamCalls.length - 1);
    expect(last).toContain('[Output cleared to save context:');
    expect(last).toContain(FIRST_INSTRUCTION);
    expectPaired(model, model.doStreamCalls.length - 1);
    expect(ofType(nodes, 'history-replace').length).toBe(ends.length);
  });

  it('summarises the older part with the model, keeping every user message word for word', async () => {
    // Long assistant texts cannot be cleared like tool outputs: only a summary frees them.
    const talk = (index: number) => ({ text: big(`thinking aloud ${index}`, 3000), calls: [{ toolName: 'read', input: { label: `f${index}` } }] });
    let summaryRequest = '';
    const model = createScriptedModel((options, index) => {
      const text = JSON.stringify(options.prompt);
      if (text.includes('Summarise this conversation')) {
        summaryRequest = text;
        return { text: '## Goal\nRename Invoice to Bill.\n## Open work\nfile f3 next.' };
      }
      return index < 6 ? talk(index) : { text: 'Fini.' };
    });
    const context = createContextBudget({ window: { tokens: 8000, source: 'test', isKnown: true } });
    const nodes = await run({ model, context });

    expect(ofType(nodes, 'run-end')[0]!.reason).toBe('done');
    const summary = ofType(nodes, 'compaction-end').find((node) => node.method === 'summary');
    expect(summary, 'a summary compaction ran').toBeDefined();
    expect(summaryRequest).toContain('thinking aloud 0');
    const replaced = ofType(nodes, 'history-replace').at(-1)!.messages;
    const first = replaced[0] as { role: string; content: string };
    expect(first.role).toBe('user');
    expect(first.content.startsWith(COMPACTED_HEADER)).toBe(true);
    expect(first.content).toContain(FIRST_INSTRUCTION);
    expect(first.content).toContain('Rename Invoice to Bill.');
    const after = model.doStreamCalls.findIndex((call) => JSON.stringify(call.prompt).includes(COMPACTED_HEADER));
    expect(after).toBeGreaterThan(0);
    expectPaired(model, after);
    expect(estimateTextTokens(promptText(model, after))).toBeLessThan(8000);
  });

  it('keeps the user messages of an earlier compaction through the next one', async () => {
    const model = createScriptedModel([{ text: 'Summary two.' }]);
    const context = createContextBudget({ window: { tokens: 8000, source: 'test', isKnown: true } });
    const earlier: ModelMessage = {
      role: 'user',
      content: `${COMPACTED_HEADER}\n## The user's messages so far, word for word\n<user-message 1>\n${FIRST_INSTRUCTION}\n</user-message>\n<!-- end of user messages -->\n\n## Summary of the work so far\nSummary one.`,
    };
    const nodes = await run({
      model,
      context,
      compactOnly: {},
      messages: [
        earlier,
        { role: 'assistant', content: big('reply', 4000) },
        { role: 'user', content: 'Also rename the tests.' },
        { role: 'assistant', content: 'Doing it.' },
      ],
    });
    const replaced = ofType(nodes, 'history-replace')[0]!.messages;
    const text = (replaced[0] as { content: string }).content;
    expect(text).toContain(`<user-message 1>\n${FIRST_INSTRUCTION}\n</user-message>`);
    expect(text).toContain('Summary two.');
    expect(text).not.toContain('Summary one.');
    expect(ofType(nodes, 'run-end')[0]!.reason).toBe('done');
  });

  it('/compact with a focus tells the summariser what to keep', async () => {
    const model = createScriptedModel([{ text: 'Kept the API notes.' }]);
    const context = createContextBudget({ window: { tokens: 100_000, source: 'test', isKnown: true } });
    const nodes = await run({
      model,
      context,
      compactOnly: { focus: 'the API notes' },
      messages: [
        { role: 'user', content: FIRST_INSTRUCTION },
        { role: 'assistant', content: 'Working on it.' },
        { role: 'user', content: 'Go on.' },
        { role: 'assistant', content: 'Done.' },
      ],
    });
    expect(promptText(model, 0)).toContain('keep especially: the API notes');
    expect(ofType(nodes, 'compaction-start')[0]).toMatchObject({ reason: 'requested', step: 0 });
    expect(ofType(nodes, 'compaction-end')[0]!.method).toBe('summary');
  });

  it('/compact keeps a conversation that is shorter than its summary as it was', async () => {
    const model = createScriptedModel([{ text: `## Goal\n${big('the goal, at length')}` }]);
    const context = createContextBudget({ window: { tokens: 100_000, source: 'test', isKnown: true } });
    const nodes = await run({ model, context, compactOnly: {}, messages: TWO_EXCHANGES });
    const end = ofType(nodes, 'compaction-end')[0]!;
    expect(end.error).toContain('already shorter than a summary');
    expect(end.tokensAfter).toBe(end.tokensBefore);
    expect(ofType(nodes, 'history-replace')).toEqual([]);
    // Asked for and answered: not an error.
    expect(ofType(nodes, 'run-end')[0]!.reason).toBe('done');
  });
});

const PRICE: ModelPrice = { input: 2, cachedInput: 0.5, output: 8, source: 'test' };
/** A conversation /compact summarises: an older exchange, then the latest one. */
const TWO_EXCHANGES: ModelMessage[] = [
  { role: 'user', content: FIRST_INSTRUCTION },
  { role: 'assistant', content: 'Working on it.' },
  { role: 'user', content: 'Go on.' },
  { role: 'assistant', content: 'Done.' },
];

describe('the summary call in the usage', () => {
  it('puts the summary call’s usage, priced like a step’s, on compaction-end and in the run’s usage', async () => {
    const talk = (index: number) => ({ text: big(`thinking aloud ${index}`, 3000), calls: [{ toolName: 'read', input: { label: `f${index}` } }] });
    const model = createScriptedModel((options, index) =>
      JSON.stringify(options.prompt).includes('Summarise this conversation') ? { text: '## Goal\nRename Invoice to Bill.' } : index < 6 ? talk(index) : { text: 'Fini.' },
    );
    const context = createContextBudget({ window: { tokens: 8000, source: 'test', isKnown: true } });
    const nodes = await run({ model, context, price: PRICE });

    // The scripted model reports 10 input and 5 output tokens for every call: the summary's reads like a step's.
    const summary = ofType(nodes, 'compaction-end').find((node) => node.method === 'summary');
    expect(summary?.usage).toMatchObject({ inputTokens: 10, outputTokens: 5, costUsd: costOf({ inputTokens: 10, outputTokens: 5 }, PRICE) });
    expect(summary?.usage).toEqual(ofType(nodes, 'step-end')[0]!.usage);
    const calls = [...ofType(nodes, 'step-end'), ...ofType(nodes, 'compaction-end')].flatMap((node) => (node.usage ? [node.usage] : []));
    expect(calls.length).toBe(model.doStreamCalls.length);
    const end = ofType(nodes, 'run-end')[0]!;
    expect(end.usage).toEqual(calls.reduce(addUsage, ZERO_USAGE));
    expect(end.usage.inputTokens).toBe(10 * model.doStreamCalls.length);
  });

  it('puts no usage on a compaction that made no model call', async () => {
    const steps = Array.from({ length: 8 }, (_, index) => ({ calls: [{ toolName: 'read', input: { label: `file-${index}` } }] }));
    const model = createScriptedModel([...steps, { text: 'Fini.' }]);
    const context = createContextBudget({ window: { tokens: 6000, source: 'test', isKnown: true } });
    const ends = ofType(await run({ model, context, price: PRICE }), 'compaction-end');
    expect(ends.length).toBeGreaterThan(0);
    expect(ends.every((node) => node.method === 'cleared-outputs' && node.usage === undefined)).toBe(true);
  });

  it('counts a summary that failed after the server reported its usage', async () => {
    // A stream that answers, then reports an error in the stream, then still sends its usage chunk.
    const chunk = (fields: object) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'local', ...fields })}\n\n`;
    const body = [
      chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '## Goal\nRename' }, finish_reason: null }] }),
      `data: ${JSON.stringify({ error: { message: 'upstream provider disconnected', code: 502 } })}\n\n`,
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      chunk({ choices: [], usage: { prompt_tokens: 900, completion_tokens: 30, total_tokens: 930 } }),
      'data: [DONE]\n\n',
    ].join('');
    const server = await startOpenAIServer([{ raw: { status: 200, headers: { 'content-type': 'text/event-stream' }, body } }]);
    const { model } = await createModel({ model: 'local', baseUrl: server.baseUrl });
    const context = createContextBudget({ window: { tokens: 100_000, source: 'test', isKnown: true } });
    const nodes = await run({ model, context, compactOnly: {}, maxRetries: 0, price: PRICE, messages: TWO_EXCHANGES });

    const [end] = ofType(nodes, 'compaction-end');
    expect(end!.error).toMatch(/the summary failed/);
    expect(end!.usage).toMatchObject({ inputTokens: 900, outputTokens: 30, costUsd: costOf({ inputTokens: 900, outputTokens: 30 }, PRICE) });
    expect(ofType(nodes, 'run-end')[0]!.usage).toMatchObject({ inputTokens: 900, outputTokens: 30 });
  });

  it('puts no usage on a summary refused before the server counted anything', async () => {
    const server = await startOpenAIServer([{ status: 400 }]);
    const { model } = await createModel({ model: 'local', baseUrl: server.baseUrl });
    const context = createContextBudget({ window: { tokens: 100_000, source: 'test', isKnown: true } });
    const nodes = await run({ model, context, compactOnly: {}, maxRetries: 0, price: PRICE, messages: TWO_EXCHANGES });
    const [end] = ofType(nodes, 'compaction-end');
    expect(end!.error).toMatch(/the summary failed/);
    expect(end!.usage).toBeUndefined();
    expect(ofType(nodes, 'run-end')[0]!.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('overflow from a real server', () => {
  it('compacts and retries once when the server refuses the request as too long', async () => {
    const limitBytes = 12_000;
    let refused = 0;
    const server = await startOpenAIServer((body) => {
      const size = JSON.stringify(body.messages).length;
      if (size > limitBytes) {
        refused += 1;
        const error = { message: `This model's maximum context length is 3000 tokens. However, your messages resulted in ${Math.round(size / 4)} tokens.`, type: 'invalid_request_error', code: 'context_length_exceeded' };
        return { raw: { status: 400, body: JSON.stringify({ error }) } };
      }
      const isSummary = JSON.stringify(body.messages).includes('Summarise this conversation');
      if (isSummary) return { text: 'The user wants the invoices renamed.' };
      const reads = body.messages.filter((message: { role: string }) => message.role === 'tool').length;
      return reads < 6 ? { toolCalls: [{ id: `c${reads}`, name: 'read', arguments: JSON.stringify({ label: `f${reads}` }) }] } : { text: 'Fini.' };
    });
    const { model } = await createModel({ model: 'local', baseUrl: server.baseUrl });
    // The window shoal believes is larger than the server's: only the server's refusal can trigger compaction.
    const context = createContextBudget({ window: { tokens: 200_000, source: 'test', isKnown: true } });
    const nodes = await run({ model, context, maxRetries: 0 });

    expect(refused).toBeGreaterThan(0);
    expect(ofType(nodes, 'compaction-start').map((node) => node.reason)).toContain('overflow');
    expect(ofType(nodes, 'run-end')[0]!.reason).toBe('done');
  });
});
