import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { startOpenAIServer } from '../helpers/openai-server';
import { startResponsesServer } from '../helpers/responses-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

function environment(stateDir: string) {
  return { ...process.env, OPENAI_API_KEY: 'test', OPENAI_BASE_URL: '', SHOAL_MODEL: '', SHOAL_STATE_DIR: stateDir, SHOAL_CONFIG_DIR: path.join(stateDir, 'config') };
}

/** Every tool call in a request's messages has exactly one result. */
function expectEveryCallAnswered(messages: { role: string; tool_calls?: { id: string }[]; tool_call_id?: string }[]) {
  const calls = messages.flatMap((message) => message.tool_calls?.map((call) => call.id) ?? []);
  const results = messages.filter((message) => message.role === 'tool').map((message) => message.tool_call_id);
  expect(results.sort()).toEqual(calls.sort());
}

describe('saved sessions', () => {
  it('continues the last session of the workspace with its history', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'alpha\n' });
    const state = await createTempWorkspace();
    const server = await startOpenAIServer([
      { toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"a.txt"}' }] },
      { text: 'It says alpha.' },
      { text: 'You asked about a.txt.' },
    ]);
    const run = (args: string[]) =>
      execa(process.execPath, [cli, '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'm', ...args], { env: environment(state), reject: false, stdin: 'ignore' });

    expect((await run(['-p', 'what does a.txt say?'])).exitCode).toBe(0);
    const second = await run(['-p', 'what did I ask?', '--continue']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('You asked about a.txt.');
    const sent = server.requests[2]!.messages as { role: string; content: string }[];
    expect(sent.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['what does a.txt say?', 'what did I ask?']);
    expect(sent.some((message) => message.role === 'tool' && message.content.includes('alpha'))).toBe(true);
    expectEveryCallAnswered(server.requests[2]!.messages);
  });

  it('survives a kill in the middle of a turn: the resumed history is valid and the next prompt works', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    const state = await createTempWorkspace();
    const server = await startOpenAIServer((_body, index) => {
      if (index === 0) {
        return {
          toolCalls: [
            { id: 'call_a', name: 'read_file', arguments: '{"path":"a.txt"}' },
            { id: 'call_b', name: 'read_file', arguments: '{"path":"b.txt"}' },
          ],
        };
      }
      // The second model call never finishes, so the process is mid-turn when it is killed.
      if (index === 1) return { hang: true };
      return { text: 'Resumed fine.' };
    });
    const child = execa(process.execPath, [cli, '-p', 'read both', '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'm'], {
      env: environment(state),
      reject: false,
      stdin: 'ignore',
    });
    // Wait until the first step's batch has run and the second request is in flight.
    for (let tries = 0; server.requests.length < 2 && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');

    const resumed = await execa(process.execPath, [cli, '-p', 'go on', '--continue', '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'm'], {
      env: environment(state),
      reject: false,
      stdin: 'ignore',
    });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('Resumed fine.');
    const last = server.requests.at(-1)!.messages as { role: string; content: string }[];
    expect(last.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['read both', 'go on']);
    expectEveryCallAnswered(server.requests.at(-1)!.messages);
  });

  it('gives a second shoal continuing the same session at once a new session, and takes a killed one over', async () => {
    const cwd = await createTempWorkspace();
    const state = await createTempWorkspace();
    const server = await startOpenAIServer((body, index) => {
      if (index === 1) return { hang: true };
      return { text: `answer ${index}` };
    });
    const args = ['--cwd', cwd, '--base-url', server.baseUrl, '--model', 'm'];
    const run = (extra: string[]) => execa(process.execPath, [cli, ...args, ...extra], { env: environment(state), reject: false, stdin: 'ignore' });
    expect((await run(['-p', 'one'])).exitCode).toBe(0);
    const [sessionFile] = readdirSync(path.join(state, 'sessions')).filter((name) => name.endsWith('.jsonl'));
    const id = sessionFile!.replace(/\.jsonl$/, '');

    const first = run(['-p', 'two', '--continue']);
    for (let tries = 0; server.requests.length < 2 && tries < 400; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    const second = await run(['-p', 'three', '--continue']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toContain(`shoal: session ${id} is open in another shoal (pid ${first.pid}): starting a new session`);
    // The second shoal's conversation holds only its own prompt: nothing interleaved.
    const sentBySecond = server.requests[2]!.messages as { role: string; content: string }[];
    expect(sentBySecond.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['three']);
    const resumeRefused = await run(['-p', 'four', '--resume', id]);
    expect(resumeRefused.exitCode).toBe(2);
    expect(resumeRefused.stderr).toContain(`Session ${id} is open in another shoal (pid ${first.pid})`);

    first.kill('SIGKILL');
    await first;
    const taken = await run(['-p', 'five', '--resume', id]);
    expect(taken.exitCode).toBe(0);
    const sent = server.requests.at(-1)!.messages as { role: string; content: string }[];
    expect(sent.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(['one', 'two', 'five']);
    expect(readdirSync(path.join(state, 'sessions')).filter((name) => name.endsWith('.lock'))).toEqual([]);
  });

  it('refuses an unknown session id with a pointer to /sessions', async () => {
    const cwd = await createTempWorkspace();
    const state = await createTempWorkspace();
    const result = await execa(process.execPath, [cli, '-p', 'x', '--resume', 'nope', '--cwd', cwd, '--model', 'demo'], {
      env: environment(state),
      reject: false,
      stdin: 'ignore',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('No saved session "nope"');
    expect(result.stderr).toContain('/sessions');
  });

  it('tells hooks a new session’s id from its first event: the id its file is saved under', async () => {
    const cwd = await createTempWorkspace();
    const state = await createTempWorkspace();
    const log = path.join(state, 'hook-input.jsonl');
    const hook = { hooks: [{ type: 'command', command: `cat >> '${log}'; echo >> '${log}'` }] };
    await mkdir(path.join(state, 'config'), { recursive: true });
    await writeFile(path.join(state, 'config', 'config.json'), JSON.stringify({ hooks: { SessionStart: [hook], UserPromptSubmit: [hook] } }));
    const server = await startOpenAIServer([{ text: 'Hello.' }]);
    const run = await execa(process.execPath, [cli, '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'm', '-p', 'hi'], { env: environment(state), reject: false, stdin: 'ignore' });
    expect(run.exitCode).toBe(0);
    const [saved] = readdirSync(path.join(state, 'sessions')).filter((name) => name.endsWith('.jsonl'));
    const inputs = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
    expect(inputs.map((input) => input.hook_event_name)).toEqual(['SessionStart', 'UserPromptSubmit']);
    for (const input of inputs) {
      expect(`${input.session_id}.jsonl`).toBe(saved);
      expect(input.transcript_path).toBe(path.join(state, 'sessions', saved!));
    }
  });
});

describe('a saved session on the Responses API', () => {
  it('resumes with its reasoning items, the server’s call_ids and the same prompt_cache_key, the session’s id', async () => {
    const cwd = await createTempWorkspace({ 'a.txt': 'alpha\n' });
    const state = await createTempWorkspace();
    const server = await startResponsesServer([
      {
        reasoning: { summary: ['The user wants a.txt.'], encryptedContent: 'gAAAAABpPDIV-turn-one' },
        toolCalls: [{ callId: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn', name: 'read_file', arguments: '{"path":"a.txt"}' }],
      },
      { text: 'It says alpha.' },
      { text: 'You asked about a.txt.' },
    ]);
    const args = ['--cwd', cwd, '--base-url', server.baseUrl, '--model', 'gpt-5.4'];
    const first = await execa(process.execPath, [cli, ...args, '--provider', 'openai', '-p', 'what does a.txt say?'], { env: environment(state), reject: false, stdin: 'ignore' });
    expect(first.exitCode).toBe(0);
    // The second run takes the provider from the environment.
    const second = await execa(process.execPath, [cli, ...args, '--continue', '-p', 'what did I ask?'], {
      env: { ...environment(state), SHOAL_PROVIDER: 'openai' },
      reject: false,
      stdin: 'ignore',
    });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('You asked about a.txt.');
    expect(server.paths).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);

    const [sessionFile] = readdirSync(path.join(state, 'sessions')).filter((name) => name.endsWith('.jsonl'));
    const id = sessionFile!.replace(/\.jsonl$/, '');
    expect(server.requests.map((body) => body.prompt_cache_key)).toEqual([id, id, id]);

    // What the resumed run sent: the first turn as the server gave it, read back from the saved session.
    const input = (server.requests[2]!.input as Record<string, any>[]).filter((item) => item.role !== 'developer');
    expect(input.filter((item) => item.type === 'reasoning')).toEqual([
      { type: 'reasoning', id: expect.stringMatching(/^rs_/), encrypted_content: 'gAAAAABpPDIV-turn-one', summary: [{ type: 'summary_text', text: 'The user wants a.txt.' }] },
    ]);
    expect(input.filter((item) => item.type?.startsWith('function_call')).map((item) => [item.type, item.call_id])).toEqual([
      ['function_call', 'call_AB6AaRZ1FYZB2RwS6A5vbdqn'],
      ['function_call_output', 'call_AB6AaRZ1FYZB2RwS6A5vbdqn'],
    ]);
    expect(input.filter((item) => item.role === 'user').map((item) => item.content[0].text)).toEqual(['what does a.txt say?', 'what did I ask?']);
  });
});
