import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import type { RequestApproval } from '../../src/agent/calls/approval';
import { runAgent } from '../../src/agent/loop';
import type { AgentNode } from '../../src/agent/nodes';
import { createRecordingModel, prepareRecordingFile, requestKey, type RecordedResponse } from '../../src/models/recording';
import { createReplayModel } from '../../src/models/replay-model';
import { createRegistry } from '../../src/tools/registry';
import { collect, ofType } from '../helpers/collect';
import { createFakeTool } from '../helpers/fake-tools';
import { createScriptedModel, type ScriptedStep } from '../helpers/scripted-model';
import { createTempWorkspace } from '../helpers/temp-workspace';

const allowAll: RequestApproval = async () => ({ type: 'allow' });
const tools = createRegistry([createFakeTool({ name: 'read', kind: 'read-only' }), createFakeTool({ name: 'write', kind: 'write' })]);
const script: ScriptedStep[] = [
  { text: 'Looking first.', calls: [{ toolName: 'read', input: { label: 'a' } }, { toolName: 'read', input: { label: 'b' } }] },
  { calls: [{ toolName: 'write', input: { label: 'w' } }] },
  { text: 'All done here.' },
];

function run(model: LanguageModelV4, options: { prompt?: string; signal?: AbortSignal; onNode?: (node: AgentNode) => void } = {}) {
  async function* nodes() {
    for await (const node of runAgent({
      model,
      tools,
      instructions: 'You are shoal, working in /tmp/somewhere. Test instructions.',
      messages: [{ role: 'user', content: options.prompt ?? 'fix it' }],
      signal: options.signal ?? new AbortController().signal,
      requestApproval: allowAll,
    })) {
      options.onNode?.(node);
      yield node;
    }
  }
  return collect(nodes());
}

async function readLines(file: string): Promise<RecordedResponse[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as RecordedResponse);
}

function callOptions(system: string, user: string, signal?: AbortSignal): LanguageModelV4CallOptions {
  return {
    prompt: [
      { role: 'system', content: system },
      { role: 'user', content: [{ type: 'text', text: user }] },
    ],
    abortSignal: signal,
  };
}

async function drain(model: LanguageModelV4, options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamPart[]> {
  const { stream } = await model.doStream(options);
  const parts: LanguageModelV4StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function textOf(parts: readonly LanguageModelV4StreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
}

/** Answers with the first user message's text reversed, after `delayMs`, so concurrent calls are told apart. */
function echoModel(delayMs = 0): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    modelId: 'echo',
    doStream: async (options) => {
      const user = options.prompt.find((message) => message.role === 'user');
      const text = user?.role === 'user' && user.content[0]?.type === 'text' ? user.content[0].text : '';
      const answer = `${[...text].reverse().join('')}:${'x'.repeat(100_000)}`;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { stream: streamOf([{ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: answer }, { type: 'text-end', id: 't' }]) };
    },
  });
}

function streamOf(parts: LanguageModelV4StreamPart[], options: { isOpen?: boolean } = {}): ReadableStream<LanguageModelV4StreamPart> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      if (!options.isOpen) controller.close();
    },
  });
}

describe('record and replay', () => {
  it('replays a recorded run of the loop with the same nodes, calls and answer', async () => {
    const file = path.join(await createTempWorkspace(), 'nested', 'dir', 'run.jsonl');
    const recorded = await run(createRecordingModel(createScriptedModel(script), file));

    const lines = await readLines(file);
    expect(lines.map((line) => [line.v, line.end, line.request.messages])).toEqual([
      [1, 'done', 2],
      [1, 'done', 4],
      [1, 'done', 6],
    ]);
    expect(lines[0]!.request).toMatchObject({ modelId: 'scripted', roles: ['system', 'user'], tools: ['read', 'write'] });
    expect(lines[1]!.request.lastMessage).toMatchObject({ role: 'tool' });

    const replayed = await run(await createReplayModel(file));
    expect(replayed.map((node) => node.type)).toEqual(recorded.map((node) => node.type));
    const calls = (nodes: AgentNode[]) => ofType(nodes, 'tool-call-start').map(({ toolCallId, toolName, input }) => ({ toolCallId, toolName, input }));
    expect(calls(replayed)).toEqual(calls(recorded));
    expect(calls(replayed)).toHaveLength(3);
    expect(ofType(replayed, 'run-start')[0]!.modelId).toBe('scripted');
    expect(ofType(replayed, 'run-end')).toMatchObject([{ reason: 'done', text: 'All done here.', steps: 3 }]);
  });

  it('matches concurrent requests by key, not by the order they were recorded in', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    const recorder = createRecordingModel(echoModel(), file);
    await drain(recorder, callOptions('research', 'alpha'));
    await drain(recorder, callOptions('research', 'beta'));

    const replay = await createReplayModel(file);
    const [beta, alpha] = await Promise.all([drain(replay, callOptions('research', 'beta')), drain(replay, callOptions('research', 'alpha'))]);
    expect(textOf(beta).split(':')[0]).toBe('ateb');
    expect(textOf(alpha).split(':')[0]).toBe('ahpla');
  });

  it('writes whole lines when two recorded streams finish at once', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    const recorder = createRecordingModel(echoModel(20), file);
    await Promise.all(['one', 'two', 'three'].map((user) => drain(recorder, callOptions('research', user))));
    const lines = await readLines(file);
    expect(lines.map((line) => textOf(line.parts as LanguageModelV4StreamPart[]).split(':')[0]).sort()).toEqual(['eerht', 'eno', 'owt']);
  });

  it('ends the run with a clear error when the loop asks for a step the recording lacks', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    await run(createRecordingModel(createScriptedModel(script), file));
    // Keep the first response only: replay then needs a second step it does not have.
    await writeFile(file, `${(await readFile(file, 'utf8')).split('\n')[0]}\n`);

    const nodes = await run(await createReplayModel(file));
    const [end] = ofType(nodes, 'run-end');
    expect(end).toMatchObject({ reason: 'error', steps: 2 });
    expect(end!.error).toContain(`Replay diverged: the recording ${file} has no response for this request (step 2 of agent "fix it"); it holds 1 response.`);
  });

  it('diverges at step 1 for a prompt that was never recorded', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    await run(createRecordingModel(createScriptedModel(script), file));
    const [end] = ofType(await run(await createReplayModel(file), { prompt: 'something else' }), 'run-end');
    expect(end).toMatchObject({ reason: 'error', steps: 1 });
    expect(end!.error).toContain('step 1 of agent "something else"); it holds 3 responses');
  });

  it('names the file and line of a corrupt recording, and a missing file', async () => {
    const dir = await createTempWorkspace();
    const file = path.join(dir, 'run.jsonl');
    await run(createRecordingModel(createScriptedModel(script), file));
    const [first] = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, `${first}\n{"v":1,"key":"cut`);
    await expect(createReplayModel(file)).rejects.toThrow(`The recording ${file} is corrupt at line 2`);
    await writeFile(file, `${first}\n\n{"v":2}\n`);
    await expect(createReplayModel(file)).rejects.toThrow(`The recording ${file} is corrupt at line 3: not a version 1 response`);
    await expect(createReplayModel(path.join(dir, 'absent.jsonl'))).rejects.toThrow(`Cannot read the recording ${path.join(dir, 'absent.jsonl')}: no such file.`);
  });

  it('round-trips dates, bytes and error parts through JSON', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    const timestamp = new Date('2026-01-02T03:04:05.678Z');
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: streamOf([
          { type: 'response-metadata', id: 'r1', timestamp, modelId: 'm' },
          { type: 'file', mediaType: 'image/png', data: { type: 'data', data: new Uint8Array([1, 2, 255]) } },
          { type: 'error', error: new TypeError('upstream hiccup') },
        ]),
      }),
    });
    const original = await drain(createRecordingModel(model, file), callOptions('s', 'u'));
    expect(JSON.parse(await readFile(file, 'utf8')).parts[2]).toEqual({ type: 'error', error: { name: 'TypeError', message: 'upstream hiccup' } });

    const replayed = await drain(await createReplayModel(file), callOptions('s', 'u'));
    expect(replayed.map((part) => part.type)).toEqual(original.map((part) => part.type));
    const [metadata, bytes, error] = replayed;
    expect(metadata).toEqual({ type: 'response-metadata', id: 'r1', timestamp, modelId: 'm' });
    expect(metadata?.type === 'response-metadata' && metadata.timestamp).toBeInstanceOf(Date);
    expect(bytes).toEqual({ type: 'file', mediaType: 'image/png', data: { type: 'data', data: new Uint8Array([1, 2, 255]) } });
    expect(error?.type === 'error' && error.error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ error: { name: 'TypeError', message: 'upstream hiccup' } });
  });

  it('records what streamed before an abort, and replays it as cut off', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    const stalling = new MockLanguageModelV4({
      doStream: async () => ({
        stream: streamOf([{ type: 'stream-start', warnings: [] }, { type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'partial ' }], { isOpen: true }),
      }),
    });
    const controller = new AbortController();
    const nodes = await run(createRecordingModel(stalling, file), {
      signal: controller.signal,
      onNode: (node) => node.type === 'text-delta' && controller.abort(),
    });
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'aborted' }]);
    const [line] = await readLines(file);
    expect(line!.end).not.toBe('done');
    expect(line!.parts).toContainEqual({ type: 'text-delta', id: 't', delta: 'partial ' });

    const [end] = ofType(await run(await createReplayModel(file)), 'run-end');
    expect(end).toMatchObject({ reason: 'error', text: 'partial ' });
    expect(end!.error).toContain('cancelled while it was being recorded');
  });

  it('records a stream its reader abandons after an abort', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    const stalling = new MockLanguageModelV4({
      doStream: async () => ({ stream: streamOf([{ type: 'text-start', id: 't' }], { isOpen: true }) }),
    });
    const controller = new AbortController();
    const { stream } = await createRecordingModel(stalling, file).doStream(callOptions('s', 'u', controller.signal));
    await stream.getReader().read();
    controller.abort();
    expect(await readLines(file)).toMatchObject([{ end: 'cancelled', parts: [{ type: 'text-start', id: 't' }] }]);
  });

  it('honours abort while pacing playback', async () => {
    const file = path.join(await createTempWorkspace(), 'run.jsonl');
    await run(createRecordingModel(createScriptedModel(script), file));
    const replay = await createReplayModel(file, { delayMs: 500 });
    const controller = new AbortController();
    let abortedAt = 0;
    const nodes = await run(replay, {
      signal: controller.signal,
      onNode: (node) => {
        if (node.type !== 'text-delta' || controller.signal.aborted) return;
        abortedAt = performance.now();
        controller.abort();
      },
    });
    expect(ofType(nodes, 'run-end')).toMatchObject([{ reason: 'aborted' }]);
    // Paced at 500 ms a part, the rest of the first response would take seconds more.
    const [first] = await readLines(file);
    const textAt = first!.parts.findIndex((part) => (part as { type: string }).type === 'text-delta');
    expect((first!.parts.length - textAt) * 500).toBeGreaterThanOrEqual(3_000);
    expect(performance.now() - abortedAt).toBeLessThan(2_000);
    // The model itself stops a paced stream mid-pause, not only the SDK reading it: the pause is 30 s.
    const direct = new AbortController();
    const { stream } = await (await createReplayModel(file, { delayMs: 30_000 })).doStream(callOptions('You are shoal, working in /tmp/elsewhere. Test instructions.', 'fix it', direct.signal));
    const reader = stream.getReader();
    const read = reader.read();
    setTimeout(() => direct.abort(new Error('stop now')), 20);
    const pausedAt = performance.now();
    await expect(read).rejects.toThrow('stop now');
    expect(performance.now() - pausedAt).toBeLessThan(10_000);
    await expect(replay.doStream(callOptions('s', 'u', AbortSignal.abort()))).rejects.toThrow();
  });

  it('keys requests the same across checkouts but apart across agents and steps', () => {
    const prompt = (system: string, user: string, extra = 0): LanguageModelV4CallOptions['prompt'] => [
      { role: 'system', content: system },
      { role: 'user', content: [{ type: 'text', text: user }] },
      ...Array.from({ length: extra }, () => ({ role: 'assistant' as const, content: [{ type: 'text' as const, text: 'x' }] })),
    ];
    const key = requestKey(prompt('You are shoal, in the repository at /home/a/project. Go.', 'q'));
    expect(requestKey(prompt('You are shoal, in the repository at /tmp/b/other. Go.', 'q'))).toBe(key);
    expect(requestKey(prompt('You are shoal, in the repository at /home/a/project. Go.', 'q2'))).not.toBe(key);
    expect(requestKey(prompt('You are shoal, in the repository at /home/a/project. Go.', 'q', 1))).not.toBe(key);
    expect(requestKey(prompt('You are a research sub-agent at /home/a/project.', 'q'))).not.toBe(key);
  });
});

describe('record and replay paths that cannot be used', () => {
  it('refuses a record path under /proc at once, in one line, instead of spinning', () => {
    const started = performance.now();
    expect(() => prepareRecordingFile('/proc/x/rec.jsonl')).toThrow(/^Cannot record to \/proc\/x\/rec\.jsonl: a folder on its path cannot be created there\./);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('creates the missing folders of a record path, private to the user', async () => {
    const root = await createTempWorkspace();
    const file = path.join(root, 'a', 'b', 'rec.jsonl');
    prepareRecordingFile(file);
    expect((await stat(path.join(root, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses to replay a FIFO at once, without waiting for a writer', async () => {
    const root = await createTempWorkspace();
    const fifo = path.join(root, 'rec.jsonl');
    execFileSync('mkfifo', [fifo]);
    await expect(createReplayModel(fifo)).rejects.toThrow(`Cannot read the recording ${fifo}: not a regular file`);
  });
});
