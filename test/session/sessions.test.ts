import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { modelMessageSchema, type ModelMessage, type ToolResultPart } from 'ai';
import { describe, expect, it } from 'vitest';
import {
  UNFINISHED_CALL_MESSAGE,
  createSessionWriter,
  latestSession,
  listSessions,
  loadSession,
  openSessionWriter,
  repairToolPairing,
  sessionsDir,
} from '../../src/session/sessions';
import { createTempWorkspace } from '../helpers/temp-workspace';

const call = (toolCallId: string, toolName = 'read_file') => ({ type: 'tool-call' as const, toolCallId, toolName, input: { path: `${toolCallId}.ts` } });
const result = (toolCallId: string, output: ToolResultPart['output'] = { type: 'text', value: `contents of ${toolCallId}` }, toolName = 'read_file'): ToolResultPart =>
  ({ type: 'tool-result', toolCallId, toolName, output });
const readStep: ModelMessage[] = [
  { role: 'assistant', content: [{ type: 'text', text: 'Reading both.' }, call('c1'), call('c2')] },
  { role: 'tool', content: [result('c1'), result('c2')] },
];
const deniedStep: ModelMessage[] = [
  { role: 'assistant', content: [call('c3', 'write_file')] },
  { role: 'tool', content: [result('c3', { type: 'execution-denied', reason: 'Not now.' }, 'write_file')] },
];
const answerStep: ModelMessage[] = [{ role: 'assistant', content: [{ type: 'text', text: 'Done.' }] }];

/** A clock one second further on at every reading, so order never rests on timing luck. */
function ticking(start = Date.parse('2026-11-24T17:30:00Z')) {
  let now = start;
  return () => new Date((now += 1000));
}

async function tempSessionsDir(): Promise<string> {
  return sessionsDir({ env: { SHOAL_STATE_DIR: await createTempWorkspace() }, platform: process.platform, homedir: '/nowhere' });
}

/** What the API needs: schema-valid messages, each assistant call answered exactly once by the tool message(s) right after it. */
function expectValidForApi(messages: ModelMessage[]) {
  for (const message of messages) expect(modelMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(true);
  messages.forEach((message, index) => {
    const following: ModelMessage[] = [];
    for (let next = index + 1; messages[next]?.role === 'tool'; next += 1) following.push(messages[next]!);
    const answered = following.flatMap((tool) => (tool.role === 'tool' ? tool.content.flatMap((part) => (part.type === 'tool-result' ? [part.toolCallId] : [])) : []));
    if (message.role === 'assistant') {
      const calls = typeof message.content === 'string' ? [] : message.content.flatMap((part) => (part.type === 'tool-call' ? [part.toolCallId] : []));
      expect(answered.sort()).toEqual(calls.sort());
    }
    if (message.role === 'tool') expect(['assistant', 'tool']).toContain(messages[index - 1]?.role);
  });
}

describe('sessionsDir', () => {
  const homedir = '/home/ada';
  it('prefers SHOAL_STATE_DIR, then an absolute XDG_STATE_HOME, then the platform default', () => {
    expect(sessionsDir({ env: { SHOAL_STATE_DIR: '/s', XDG_STATE_HOME: '/x' }, platform: 'linux', homedir })).toBe('/s/sessions');
    expect(sessionsDir({ env: { XDG_STATE_HOME: '/x' }, platform: 'darwin', homedir })).toBe('/x/shoal/sessions');
    expect(sessionsDir({ env: { XDG_STATE_HOME: 'relative' }, platform: 'linux', homedir })).toBe('/home/ada/.local/state/shoal/sessions');
    expect(sessionsDir({ env: {}, platform: 'darwin', homedir })).toBe('/home/ada/Library/Application Support/shoal/sessions');
    expect(sessionsDir({ env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, platform: 'win32', homedir: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Local\\shoal\\sessions',
    );
    expect(sessionsDir({ env: { LOCALAPPDATA: ' ' }, platform: 'win32', homedir: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Local\\shoal\\sessions');
  });
});

describe('session files', () => {
  it('round-trips prompts, steps, approvals and turn ends, each line on disk as soon as it is appended', async () => {
    const dir = await tempSessionsDir();
    const writer = createSessionWriter({ dir, cwd: '/work/app', model: 'gpt-test', now: ticking() });
    const lineCount = () => readFileSync(writer.path, 'utf8').split('\n').length - 1;
    expect(writer.path).toBe(path.join(dir, `${writer.id}.jsonl`));
    expect(writer.id).toMatch(/^2026-11-24T17-30-01-000Z-[0-9a-f]{6}$/);
    expect(lineCount()).toBe(1);
    writer.append({ type: 'prompt', text: 'Read a and b,\nthen write c.' });
    writer.append({ type: 'messages', messages: readStep });
    expect(lineCount()).toBe(3);
    writer.append({ type: 'approval', toolCallId: 'c3', toolName: 'write_file', decision: { type: 'deny', feedback: 'Not now.' } });
    writer.append({ type: 'messages', messages: deniedStep });
    writer.append({ type: 'messages', messages: answerStep });
    writer.append({ type: 'turn-end', reason: 'done' });
    writer.append({ type: 'prompt', text: 'Thanks' });
    expect(lineCount()).toBe(8);

    const loaded = loadSession({ dir, id: writer.id });
    expect(loaded.problems).toEqual([]);
    expect(loaded.messages).toEqual([
      { role: 'user', content: 'Read a and b,\nthen write c.' },
      ...readStep,
      ...deniedStep,
      ...answerStep,
      { role: 'user', content: 'Thanks' },
    ]);
    expectValidForApi(loaded.messages);
    expect(loaded.summary).toEqual({
      id: writer.id,
      path: writer.path,
      cwd: '/work/app',
      model: 'gpt-test',
      createdAt: '2026-11-24T17:30:01.000Z',
      updatedAt: '2026-11-24T17:30:08.000Z',
      firstPrompt: 'Read a and b, then write c.',
      turns: 2,
    });
    const entries = readFileSync(writer.path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.type)).toEqual(['session', 'prompt', 'messages', 'approval', 'messages', 'messages', 'turn-end', 'prompt']);
    expect(entries[0]).toMatchObject({ version: 1, id: writer.id });
    for (const entry of entries) expect(entry.time).toMatch(/^2026-11-24T/);
  });

  it('keeps what a provider needs back in a step: reasoning items, item ids and the origin stamp, with null values', async () => {
    const dir = await tempSessionsDir();
    const writer = createSessionWriter({ dir, cwd: '/work/app', model: 'gpt-5.4', now: ticking() });
    const origin = { shoal: { origin: 'responses api.openai.com gpt-5.4' } };
    // A Responses API step as the SDK hands it over (its reasoning part's metadata as @ai-sdk/openai sets it).
    const step: ModelMessage[] = [
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: '**Reading**', providerOptions: { openai: { itemId: 'rs_01830d66', reasoningEncryptedContent: 'gAAAAABpPDIV' }, ...origin } },
          { type: 'reasoning', text: '', providerOptions: { openai: { itemId: 'rs_0a', reasoningEncryptedContent: null }, ...origin } },
          { type: 'tool-call', toolCallId: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn', toolName: 'read_file', input: { path: 'a.ts' }, providerOptions: { openai: { itemId: 'fc_01830d66' }, ...origin } },
        ],
      },
      { role: 'tool', content: [result('call_AB6AaRZ1FYZB2RwS6A5vbdqn')] },
    ];
    writer.append({ type: 'prompt', text: 'read a' });
    writer.append({ type: 'messages', messages: step });
    const loaded = loadSession({ dir, id: writer.id });
    expect(loaded.problems).toEqual([]);
    expect(loaded.messages).toEqual([{ role: 'user', content: 'read a' }, ...step]);
    expectValidForApi(loaded.messages);
  });

  it('repairs a session killed mid-turn without touching its file', async () => {
    const dir = await tempSessionsDir();
    const writer = createSessionWriter({ dir, cwd: '/w', model: 'm' });
    writer.append({ type: 'prompt', text: 'go' });
    writer.append({ type: 'messages', messages: readStep });
    // The step in flight: its calls were saved, their results never were, and the last write was cut.
    writer.append({ type: 'messages', messages: [{ role: 'assistant', content: [{ type: 'text', text: 'Next.' }, call('c4'), call('c5', 'bash')] }] });
    appendFileSync(writer.path, '{"type":"messages","messages":[{"role":"tool","content":[{"type":"tool-re');
    const before = readFileSync(writer.path);

    const loaded = loadSession({ dir, id: writer.id });
    expect(readFileSync(writer.path).equals(before)).toBe(true);
    expect(loaded.messages.slice(0, 4)).toEqual([{ role: 'user', content: 'go' }, ...readStep, expect.objectContaining({ role: 'assistant' })]);
    const unfinished = { type: 'error-text' as const, value: UNFINISHED_CALL_MESSAGE };
    expect(loaded.messages.slice(4)).toEqual([{ role: 'tool', content: [result('c4', unfinished), result('c5', unfinished, 'bash')] }]);
    expectValidForApi(loaded.messages);
    expect(loaded.problems).toEqual([
      `${writer.path}:5: last line cut off mid-write (shoal was stopped while saving); ignored`,
      expect.stringMatching(/^.*: read_file call c4 had no result/),
      expect.stringMatching(/^.*: bash call c5 had no result/),
    ]);
  });

  it('resumes by appending to the same file, closing a cut last line first', async () => {
    const dir = await tempSessionsDir();
    const first = createSessionWriter({ dir, cwd: '/w', model: 'm' });
    first.append({ type: 'prompt', text: 'one' });
    appendFileSync(first.path, '{"type":"prom');
    const before = readFileSync(first.path, 'utf8');

    const resumed = openSessionWriter({ dir, id: first.id });
    resumed.append({ type: 'messages', messages: answerStep });
    resumed.append({ type: 'prompt', text: 'two' });
    expect(resumed.path).toBe(first.path);
    expect(readFileSync(first.path, 'utf8').startsWith(before)).toBe(true);
    const loaded = loadSession({ dir, id: first.id });
    expect(loaded.messages).toEqual([{ role: 'user', content: 'one' }, ...answerStep, { role: 'user', content: 'two' }]);
    expect(loaded.problems).toEqual([`${first.path}:3: corrupt line skipped: not valid JSON`]);
  });

  it('reports corrupt middle lines with path:line and keeps the lines around them', async () => {
    const dir = await tempSessionsDir();
    const writer = createSessionWriter({ dir, cwd: '/w', model: 'm' });
    writer.append({ type: 'prompt', text: 'go' });
    appendFileSync(writer.path, 'garbage\n{"type":"messages","messages":[{"role":"robot"}],"time":"2026-11-24T00:00:00Z"}\n');
    writer.append({ type: 'messages', messages: readStep });
    // A result whose call nobody made cannot be sent; it is dropped, and said so.
    writer.append({ type: 'messages', messages: [{ role: 'tool', content: [result('ghost')] }] });
    const loaded = loadSession({ dir, id: writer.id });
    expect(loaded.messages).toEqual([{ role: 'user', content: 'go' }, ...readStep]);
    expect(loaded.problems).toEqual([
      `${writer.path}:3: corrupt line skipped: not valid JSON`,
      `${writer.path}:4: corrupt line skipped: message 1 of 1 is not a valid model message`,
      `${writer.path}: dropped the result for read_file call ghost: no unanswered call with that id came just before it`,
    ]);
  });

  it('reports a failed append to onError and keeps going, or throws without it', async () => {
    const dir = await tempSessionsDir();
    const errors: Error[] = [];
    const writer = createSessionWriter({ dir, cwd: '/w', model: 'm', onError: (error) => errors.push(error) });
    const bare = openSessionWriter({ dir, id: writer.id });
    rmSync(dir, { recursive: true });
    expect(() => writer.append({ type: 'prompt', text: 'lost' })).not.toThrow();
    expect(errors.map((error) => (error as NodeJS.ErrnoException).code)).toEqual(['ENOENT']);
    expect(() => bare.append({ type: 'prompt', text: 'lost' })).toThrow(/ENOENT/);
  });

  it('explains an unknown id, and never looks outside the directory', async () => {
    const dir = await tempSessionsDir();
    for (const id of ['2026-01-01T00-00-00-000Z-abcdef', '../../etc/passwd']) {
      expect(() => loadSession({ dir, id })).toThrow(/No saved session ".*" in .*Run \/sessions/);
      expect(() => openSessionWriter({ dir, id })).toThrow(/Run \/sessions/);
    }
  });
});

describe('listSessions and latestSession', () => {
  it('lists sessions with a prompt, most recently updated first, filtered by workspace', async () => {
    const dir = await tempSessionsDir();
    const now = ticking();
    const start = (cwd: string, prompt?: string) => {
      const writer = createSessionWriter({ dir, cwd, model: 'm', now });
      if (prompt) writer.append({ type: 'prompt', text: prompt });
      return writer;
    };
    const older = start('/repo/app', 'first');
    const other = start('/repo/lib', `${'word '.repeat(30)}end`);
    const newer = start('/repo/app', 'second');
    start('/repo/app');
    // Appending makes the older session the most recently used one.
    older.append({ type: 'prompt', text: 'again' });
    older.append({ type: 'messages', messages: answerStep });
    writeFileSync(path.join(dir, 'not-a-session.jsonl'), 'hello\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'hello\n');

    expect(listSessions({ dir }).map((summary) => summary.id)).toEqual([older.id, newer.id, other.id]);
    expect(listSessions({ dir, cwd: '/repo/app/' }).map((summary) => [summary.id, summary.turns])).toEqual([
      [older.id, 2],
      [newer.id, 1],
    ]);
    const [lib] = listSessions({ dir, cwd: '/repo/lib' });
    expect(lib?.firstPrompt).toHaveLength(80);
    expect(lib?.firstPrompt).toMatch(/^word word .*…$/);
    // Listing skims `messages` lines; it must agree with a full load.
    expect(latestSession({ dir, cwd: '/repo/app' })).toEqual(loadSession({ dir, id: older.id }).summary);
    expect(latestSession({ dir, cwd: '/elsewhere' })).toBeUndefined();
    expect(listSessions({ dir: path.join(dir, 'missing') })).toEqual([]);
  });
});

describe('repairToolPairing', () => {
  it('answers calls before the next prompt, merges partial answers, drops duplicates', () => {
    const { messages, problems } = repairToolPairing([
      { role: 'assistant', content: [call('a'), call('b')] },
      { role: 'tool', content: [result('a'), result('a')] },
      { role: 'assistant', content: [call('c')] },
      { role: 'user', content: 'hello?' },
    ]);
    expectValidForApi(messages);
    expect(messages.map((message) => message.role)).toEqual(['assistant', 'tool', 'assistant', 'tool', 'user']);
    expect(messages[1]).toEqual({ role: 'tool', content: [result('a'), result('b', { type: 'error-text', value: UNFINISHED_CALL_MESSAGE })] });
    expect(problems).toHaveLength(3);
  });
});

describe('durability', () => {
  it('keeps every entry written before the process was killed with SIGKILL', async () => {
    const base = await createTempWorkspace();
    const moduleUrl = new URL('../../src/session/sessions.ts', import.meta.url).href;
    // Node runs the TypeScript source itself; the hook adds the `.ts` our extensionless imports leave out.
    const script = `
      import { registerHooks } from 'node:module';
      registerHooks({ resolve(specifier, context, next) {
        try { return next(specifier, context); } catch (error) {
          if (/^\\.\\.?\\//.test(specifier)) return next(specifier + '.ts', context);
          throw error;
        } } });
      const { createSessionWriter, defaultSessionsDir } = await import(${JSON.stringify(moduleUrl)});
      const writer = createSessionWriter({ dir: defaultSessionsDir(), cwd: process.cwd(), model: 'child' });
      console.log('id ' + writer.id);
      for (let turn = 0; ; turn += 1) {
        writer.append({ type: 'prompt', text: 'turn ' + turn });
        writer.append({ type: 'messages', messages: [
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call-' + turn, toolName: 'read_file', input: {} }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call-' + turn, toolName: 'read_file', output: { type: 'text', value: 'x'.repeat(2000) } }] },
        ] });
        console.log('wrote ' + turn);
        await new Promise((resolve) => setTimeout(resolve, 1));
        writer.append({ type: 'turn-end', reason: 'done' });
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: base,
      env: { ...process.env, SHOAL_STATE_DIR: base },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes('wrote 20\n')) resolve();
        });
        child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
      });
      child.kill('SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');

    const id = /^id (\S+)$/m.exec(stdout)![1]!;
    const dir = path.join(base, 'sessions');
    const loaded = loadSession({ dir, id });
    expect(loaded.summary).toMatchObject({ cwd: base, model: 'child', firstPrompt: 'turn 0' });
    expect(loaded.summary.turns).toBeGreaterThanOrEqual(21);
    expect(loaded.problems.every((problem) => problem.includes('cut off mid-write'))).toBe(true);
    expectValidForApi(loaded.messages);
    // The turns acknowledged before the kill are all there, whole and in order.
    const prompts = loaded.messages.filter((message) => message.role === 'user').map((message) => message.content);
    expect(prompts.slice(0, 21)).toEqual(Array.from({ length: 21 }, (_, turn) => `turn ${turn}`));
    expect(loaded.messages.slice(0, 63).filter((message) => message.role === 'tool')).toHaveLength(21);
    expect(listSessions({ dir, cwd: base }).map((summary) => summary.id)).toEqual([id]);
  });
});

describe('a compacted session', () => {
  it('resumes from the compacted history, with what came after it', async () => {
    const dir = await createTempWorkspace();
    const { createSessionRecorder } = await import('../../src/session/recorder');
    const recorder = createSessionRecorder({ dir, cwd: '/repo', model: 'm', onError: (error) => { throw error; } });
    const node = (fields: object) => ({ agentId: 'main', time: 0, ...fields }) as Parameters<typeof recorder.recordNode>[0];
    recorder.recordPrompt('first task, word for word');
    recorder.recordNode(node({ type: 'history-append', messages: readStep }));
    const compacted: ModelMessage[] = [
      { role: 'user', content: 'compacted: first task, word for word' },
      { role: 'assistant', content: 'Understood.' },
    ];
    recorder.recordNode(node({ type: 'history-replace', messages: compacted }));
    recorder.recordNode(node({ type: 'history-append', messages: answerStep }));
    recorder.recordPrompt('second task');

    const loaded = loadSession({ dir, id: recorder.id! });
    expect(loaded.messages).toEqual([...compacted, ...answerStep, { role: 'user', content: 'second task' }]);
    expect(loaded.problems).toEqual([]);
  });
});

describe('a rewound session', () => {
  it('resumes from the history /rewind cut it to, with what came after, and counts only the prompts kept', async () => {
    const dir = await createTempWorkspace();
    const { createSessionRecorder } = await import('../../src/session/recorder');
    const recorder = createSessionRecorder({ dir, cwd: '/repo', model: 'm', onError: (error) => { throw error; } });
    const node = (fields: object) => ({ agentId: 'main', time: 0, ...fields }) as Parameters<typeof recorder.recordNode>[0];
    recorder.recordPrompt('first task');
    recorder.recordNode(node({ type: 'history-append', messages: answerStep }));
    recorder.recordPrompt('second task, rewound');
    recorder.recordNode(node({ type: 'history-append', messages: readStep }));
    const kept: ModelMessage[] = [{ role: 'user', content: 'first task' }, ...answerStep];
    recorder.recordRewind(kept);
    recorder.recordPrompt('second task, edited');

    const loaded = loadSession({ dir, id: recorder.id! });
    expect(loaded.messages).toEqual([...kept, { role: 'user', content: 'second task, edited' }]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.summary.turns).toBe(2);
  });
});

describe('a message sent while a turn ran', () => {
  it('is saved where the model read it, so --continue resumes the same history', async () => {
    const dir = await createTempWorkspace();
    const { createSessionRecorder } = await import('../../src/session/recorder');
    const recorder = createSessionRecorder({ dir, cwd: '/repo', model: 'm', onError: (error) => { throw error; } });
    const node = (fields: object) => ({ agentId: 'main', time: 0, ...fields }) as Parameters<typeof recorder.recordNode>[0];
    recorder.recordPrompt('read both');
    recorder.recordNode(node({ type: 'history-append', messages: readStep }));
    recorder.recordNode(node({ type: 'user-message', step: 1, text: 'also the tests' }));
    recorder.recordNode(node({ type: 'history-append', messages: answerStep }));

    const loaded = loadSession({ dir, id: recorder.id! });
    expect(loaded.messages).toEqual([{ role: 'user', content: 'read both' }, ...readStep, { role: 'user', content: 'also the tests' }, ...answerStep]);
    expect(loaded.problems).toEqual([]);
  });
});

describe('research sub-agents', () => {
  it('are saved with the session and retold on resume: question, calls and report', async () => {
    const [{ createSessionRecorder, summariseHistory }, { runTurn }, { createResearchRegistry }, { createScriptedModel }] = await Promise.all([
      import('../../src/session/recorder'),
      import('../helpers/run-turn'),
      import('../helpers/render-app'),
      import('../helpers/scripted-model'),
    ]);
    const dir = await createTempWorkspace();
    const recorder = createSessionRecorder({ dir, cwd: '/repo', model: 'm', onError: (error) => { throw error; } });
    recorder.recordPrompt('how is auth wired?');
    const nodes = await runTurn({
      model: createScriptedModel([{ calls: [{ toolName: 'research_codebase', input: { question: 'auth' }, id: 'r1' }] }, { text: 'Auth is wired.' }]),
      messages: [{ role: 'user', content: 'how is auth wired?' }],
      tools: createResearchRegistry(1),
    });
    for (const node of nodes) recorder.recordNode(node);

    const loaded = loadSession({ dir, id: recorder.id! });
    expect(loaded.problems).toEqual([]);
    expect(loaded.subagents).toEqual([
      {
        toolCallId: 'r1',
        question: 'auth',
        reason: 'done',
        report: 'report on auth',
        calls: [
          { toolName: 'read_file', description: 'auth-one', status: 'ok', summary: 'auth-one' },
          { toolName: 'read_file', description: 'auth-two', status: 'ok', summary: 'auth-two' },
        ],
      },
    ]);
    const [turn] = summariseHistory(loaded.messages, loaded.subagents);
    expect(turn).toMatchObject({ prompt: 'how is auth wired?', answer: 'Auth is wired.', research: [{ question: 'auth', report: 'report on auth' }] });
  });

  it("keep the task of a user's agent that ran with the writes, named by the agent", async () => {
    const [{ createSessionRecorder }, { runTurn }, { createScriptedModel }, { createAgentTools }, { buildAgentSet }] = await Promise.all([
      import('../../src/session/recorder'),
      import('../helpers/run-turn'),
      import('../helpers/scripted-model'),
      import('../../src/agent/create-agent'),
      import('../../src/agent/user-agents/agent-set'),
    ]);
    const cwd = await createTempWorkspace();
    const { agents } = await buildAgentSet([{ name: 'scribe', text: '---\nname: scribe\ndescription: Writes\ntools: Write\n---\nWrite.', source: 'user' }], () => 'scribe.md');
    const dir = await createTempWorkspace();
    const recorder = createSessionRecorder({ dir, cwd, model: 'm', onError: (error) => { throw error; } });
    recorder.recordPrompt('write notes');
    const nodes = await runTurn({
      model: createScriptedModel([{ calls: [{ toolName: 'research_codebase', input: { question: 'notes', agent: 'scribe' }, id: 'w1' }] }, { text: 'Done.' }]),
      messages: [{ role: 'user', content: 'write notes' }],
      tools: createAgentTools({ cwd, model: createScriptedModel([{ text: 'wrote nothing' }]), agents }),
    });
    for (const node of nodes) recorder.recordNode(node);
    expect(loadSession({ dir, id: recorder.id! }).subagents).toMatchObject([{ toolCallId: 'w1', question: 'scribe: notes', report: 'wrote nothing' }]);
  });
});
