import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { access, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { trustProject } from '../../src/config/trust';
import { buildCliForTest } from '../helpers/built-cli';
import { TEST_SERVER_SCRIPT } from '../helpers/mcp-servers';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

/** Runs the built CLI with no model settings from this machine's environment, and its own config and state folders. */
async function shoal(args: string[], env: Record<string, string> = {}) {
  const home = await createTempWorkspace();
  const clean = {
    ...process.env,
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
    SHOAL_MODEL: '',
    SHOAL_CONFIG_DIR: path.join(home, 'config'),
    SHOAL_STATE_DIR: path.join(home, 'state'),
    ...env,
  };
  return execa(process.execPath, [cli, ...args], { env: clean, reject: false, stdin: 'ignore', timeout: 30_000 });
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('the built CLI', () => {
  it('prints its version and help', async () => {
    const version = await shoal(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await shoal(['--help']);
    for (const flag of ['--prompt', '--cwd', '--model', '--base-url', '--output-format', '--allow', '--yolo', '--trust', '--forget-trust']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('runs a task headless against an OpenAI-compatible server', async () => {
    const cwd = await createTempWorkspace({ 'hello.txt': 'hi there\n' });
    const server = await startOpenAIServer([
      {
        toolCalls: [
          { id: 'call_1', name: 'read_file', arguments: '{"path":"hello.txt"}' },
          { id: 'call_2', name: 'list_dir', arguments: '{}' },
        ],
      },
      { text: 'hello.txt says hi.' },
    ]);
    const result = await shoal(['-p', 'what does hello.txt say?', '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'local', '--output-format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ result: 'hello.txt says hi.', reason: 'done', toolCalls: { total: 2, byStatus: { ok: 2 } } });
    expect(server.requests[0]).toMatchObject({ model: 'local', parallel_tool_calls: true });
    const toolResults = server.requests[1]!.messages.filter((message: { role: string }) => message.role === 'tool');
    expect(toolResults[0].content).toContain('hi there');
  });

  it('greps on its bundled worker threads when rg is not on PATH', async () => {
    const cwd = await createTempWorkspace({ 'src/a.ts': 'const needle = 1;\n', 'src/b.ts': 'other\n' });
    const server = await startOpenAIServer([
      { toolCalls: [{ id: 'call_1', name: 'grep', arguments: '{"pattern":"needle\\\\s*="}' }] },
      { text: 'Found it.' },
    ]);
    const result = await shoal(['-p', 'find needle', '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'local', '--output-format', 'json'], {
      PATH: path.dirname(process.execPath),
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const toolResults = server.requests[1]!.messages.filter((message: { role: string }) => message.role === 'tool');
    expect(toolResults[0].content).toContain('src/a.ts:1:const needle = 1;');
  });

  it('speaks Chat Completions with --provider chat, and refuses an unknown provider in one line', async () => {
    const cwd = await createTempWorkspace();
    const server = await startOpenAIServer([{ text: 'Chat it is.' }]);
    const chat = await shoal(['-p', 'hi', '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'gpt-5.4', '--provider', 'chat'], { OPENAI_API_KEY: 'k' });
    expect(chat.exitCode).toBe(0);
    expect(chat.stdout).toContain('Chat it is.');
    expect(server.requests).toHaveLength(1);

    const flag = await shoal(['-p', 'hi', '--cwd', cwd, '--provider', 'responses']);
    expect(flag.exitCode).not.toBe(0);
    expect(flag.stderr).toContain("argument 'responses' is invalid. Allowed choices are openai, chat.");
    noStack(flag.stderr);
    const env = await shoal(['-p', 'hi', '--cwd', cwd, '--model', 'demo'], { SHOAL_PROVIDER: 'anthropic' });
    expect(env.exitCode).toBe(2);
    expect(env.stderr).toBe('shoal: SHOAL_PROVIDER must be "openai" (the Responses API) or "chat" (Chat Completions) (got "anthropic")');
  });

  it('runs the offline demo model when nothing is configured, and says so', async () => {
    const cwd = await createTempWorkspace({ 'src/cart.ts': 'export const cart = [];\n', 'README.md': '# Shop\n' });
    const result = await shoal(['-p', 'where is the cart?', '--cwd', cwd, '--output-format', 'json']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('offline demo model: set OPENAI_API_KEY or --base-url to use a real model');
    const summary = JSON.parse(result.stdout);
    expect(summary.result).toContain('`src/cart.ts`');
    // Headless denies the demo's write: it reports that instead of writing.
    expect(summary.toolCalls.byStatus.denied).toBe(1);
    expect(summary.result).toContain('was denied, so nothing was written');
  });

  it('explains what to configure when a real model is asked for without a server', async () => {
    const result = await shoal(['-p', 'hello', '--model', 'gpt-5.4']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(result.stderr).toContain('--base-url');
    noStack(result.stderr);
  });

  it.each([
    [['-p', 'x', '--output-format', 'xml'], /text, json, stream-json/],
    [['-p', 'x', '--cwd', '/definitely/not/here'], /does not exist/],
    [['-p', 'x', '--allow', 'rm'], /unknown tool rm/],
    [['-p', 'x', '--max-steps', 'zero'], /whole number/],
    [['--no-such-flag'], /unknown option/],
  ])('refuses bad input %j with a clear message', async (args, message) => {
    const result = await shoal(args, { OPENAI_API_KEY: 'unused' });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(message);
    noStack(result.stderr);
  });
});

describe('configuration, recording and replay through the CLI', () => {
  it('refuses a bad config file with its path, key and what was expected, and starts nothing', async () => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': '{ "concurrency": "eight" }\n' });
    const result = await shoal(['-p', 'hi', '--cwd', cwd], { SHOAL_CONFIG_DIR: path.join(cwd, 'no-user-config') });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/\.shoal\/config\.json: "concurrency" must be a whole number/);
    noStack(result.stderr);
  });

  it('takes settings from the project file, and flags over them', async () => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': '{ "model": "demo", "allowedTools": ["write_file"] }\n', 'a.ts': 'export const a = 1;\n' });
    const env = { SHOAL_CONFIG_DIR: path.join(cwd, 'no-user-config') };
    const allowed = await shoal(['-p', 'where is a?', '--cwd', cwd, '--output-format', 'json', '--trust'], env);
    expect(JSON.parse(allowed.stdout).result).toContain('Wrote `shoal-notes.md`');
    const refused = await shoal(['-p', 'where is a?', '--cwd', cwd, '--output-format', 'json', '--model', 'gpt-5.4'], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('model gpt-5.4 needs a server');
  });

  it('starts a trusted .mcp.json’s servers with their ${VAR}s expanded, and names an unset one without stopping the run', async () => {
    const script = TEST_SERVER_SCRIPT;
    const mcpJson = { mcpServers: { good: { command: '${SHOAL_TEST_NODE}', args: [script] }, github: { command: process.execPath, args: [script], env: { GITHUB_TOKEN: '${SHOAL_TEST_UNSET_TOKEN}' } } } };
    const cwd = await createTempWorkspace({ '.mcp.json': JSON.stringify(mcpJson), 'a.ts': 'export const a = 1;\n' });
    const result = await shoal(['-p', 'where is a?', '--cwd', cwd, '--output-format', 'json', '--trust'], { SHOAL_CONFIG_DIR: path.join(cwd, 'no-user-config'), SHOAL_TEST_NODE: process.execPath });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('shoal: MCP server github failed: ${SHOAL_TEST_UNSET_TOKEN} is not set');
    expect(result.stderr).not.toContain('MCP server good');
    noStack(result.stderr);
  });

  it('records a session and replays it to the same answer, offline', async () => {
    const cwd = await createTempWorkspace({ 'src/shop.ts': 'export const basket = [];\n' });
    const recording = path.join(cwd, 'rec', 'session.jsonl');
    const recorded = await shoal(['-p', 'where is the basket?', '--cwd', cwd, '--output-format', 'json', '--record', recording]);
    expect(recorded.exitCode).toBe(0);
    // Recordings hold prompts and code: private, like sessions.
    expect(statSync(recording).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(recording)).mode & 0o777).toBe(0o700);
    const replayed = await shoal(['-p', 'where is the basket?', '--cwd', cwd, '--output-format', 'json', '--replay', recording]);
    expect(replayed.exitCode).toBe(0);
    const [first, second] = [JSON.parse(recorded.stdout), JSON.parse(replayed.stdout)];
    expect(second.result).toBe(first.result);
    expect(second.toolCalls).toEqual(first.toolCalls);

    const diverged = await shoal(['-p', 'something else entirely', '--cwd', cwd, '--replay', recording]);
    expect(diverged.exitCode).toBe(1);
    expect(diverged.stderr).toContain('Replay diverged');
    noStack(diverged.stderr);
    const missing = await shoal(['-p', 'x', '--cwd', cwd, '--replay', path.join(cwd, 'nope.jsonl')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl');
  });

  it('clears the temp files a killed shoal left mid-write at the next start, and leaves no marker of its own run', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const orphan = `.a.ts.shoal-${dead}-0123456789ab.tmp`;
    const cwd = realpathSync(await createTempWorkspace({ 'a.ts': 'export const a = 1;\n', [orphan]: 'half a write', '.mine.tmp': 'user file' }));
    const stateDir = path.join(await createTempWorkspace(), 'state');
    // What the killed run left: its marker, naming this workspace.
    mkdirSync(path.join(stateDir, 'runs'), { recursive: true });
    await writeFile(path.join(stateDir, 'runs', String(dead)), cwd);
    const result = await shoal(['-p', 'hi', '--cwd', cwd, '--model', 'demo'], { SHOAL_STATE_DIR: stateDir });
    expect(result.exitCode).toBe(0);
    expect(existsSync(path.join(cwd, orphan))).toBe(false);
    expect(existsSync(path.join(cwd, '.mine.tmp'))).toBe(true);
    expect(await readdir(path.join(stateDir, 'runs'))).toEqual([]);
  });

  it('refuses a --record path it cannot write at once, in one line, instead of hanging', async () => {
    const cwd = await createTempWorkspace({ 'plain.txt': 'a file\n' });
    mkdirSync(path.join(cwd, 'dir'));
    execFileSync('mkfifo', [path.join(cwd, 'pipe')]);
    for (const [target, why] of [
      ['plain.txt/rec.jsonl', 'a part of its path is a file, not a directory'],
      ['pipe', 'it is not a regular file (a FIFO, socket or device)'],
      ['dir', 'it is a directory'],
    ]) {
      const started = Date.now();
      const result = await shoal(['-p', 'hi', '--cwd', cwd, '--model', 'demo', '--record', path.join(cwd, target!)]);
      expect(result.exitCode, target).toBe(2);
      expect(result.stderr.trim()).toBe(`shoal: Cannot record to ${path.join(cwd, target!)}: ${why}. Pass --record a file path in a directory you can write.`);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    expect(statSync(path.join(cwd, 'pipe')).isFIFO()).toBe(true);
  });
});

describe('folder trust through the CLI', () => {
  /** A headless run whose model asks to run `touch ran.txt`; says whether the command ran. */
  async function runBash(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
    const server = await startOpenAIServer([
      { toolCalls: [{ id: 'call_1', name: 'bash', arguments: JSON.stringify({ command: 'touch ran.txt' }) }] },
      { text: 'Done.' },
    ]);
    const result = await shoal(['-p', 'touch it', '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'local', ...args], env);
    const ran = await access(path.join(cwd, 'ran.txt')).then(() => true, () => false);
    await rm(path.join(cwd, 'ran.txt'), { force: true });
    return { ...result, ran };
  }

  it.each([
    ['{"approvalMode":"yolo"}', 'approvalMode'],
    ['{"allowedTools":["bash"]}', 'allowedTools'],
  ])('an untrusted %s runs no command and names the ignored key; --trust runs it', async (config, key) => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': config });
    const untrusted = await runBash(cwd);
    expect(untrusted.exitCode).toBe(0);
    expect(untrusted.ran).toBe(false);
    expect(untrusted.stderr).toContain(`shoal: ignoring ${key} from .shoal/config.json (untrusted folder; pass --trust to apply them)\n`);
    expect(untrusted.stderr).toMatch(/⊘ bash/);

    const trusted = await runBash(cwd, ['--trust']);
    expect(trusted.ran).toBe(true);
    expect(trusted.stderr).not.toContain('ignoring');
  });

  it('applies a trusted folder silently, and asks again once the file changes', async () => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': '{"approvalMode":"yolo"}' });
    const stateDir = path.join(cwd, '..', `${path.basename(cwd)}-state`);
    await trustProject({ cwd, stateDir, fileBytes: await readFile(path.join(cwd, '.shoal', 'config.json')) });
    try {
      const trusted = await runBash(cwd, [], { SHOAL_STATE_DIR: stateDir });
      expect(trusted.ran).toBe(true);
      expect(trusted.stderr).not.toContain('ignoring');

      await writeFile(path.join(cwd, '.shoal', 'config.json'), '{"approvalMode":"yolo","maxSteps":5}');
      const changed = await runBash(cwd, [], { SHOAL_STATE_DIR: stateDir });
      expect(changed.ran).toBe(false);
      expect(changed.stderr).toContain('shoal: ignoring approvalMode from .shoal/config.json (changed since you trusted this folder; pass --trust to apply them)');
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('--forget-trust stops trusting this folder only, so the next run ignores its settings; one line, exit 0, either way', async () => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': '{"approvalMode":"yolo"}' });
    const other = await createTempWorkspace();
    const stateDir = path.join(cwd, '..', `${path.basename(cwd)}-state`);
    const env = { SHOAL_STATE_DIR: stateDir };
    await trustProject({ cwd, stateDir, fileBytes: await readFile(path.join(cwd, '.shoal', 'config.json')) });
    await trustProject({ cwd: other, stateDir, fileBytes: Buffer.from('{}') });
    try {
      expect((await runBash(cwd, [], env)).ran).toBe(true);

      const forgot = await shoal(['--forget-trust', '--cwd', cwd], env);
      expect(forgot).toMatchObject({ exitCode: 0, stderr: '', stdout: `Forgot the trust of ${cwd}: the next start asks again before applying its project settings.` });
      const store = JSON.parse(await readFile(path.join(stateDir, 'trusted-folders.json'), 'utf8'));
      expect(Object.keys(store.folders)).toEqual([other]);
      const after = await runBash(cwd, [], env);
      expect(after.ran).toBe(false);
      expect(after.stderr).toContain('shoal: ignoring approvalMode from .shoal/config.json (untrusted folder; pass --trust to apply them)');

      const again = await shoal(['--forget-trust', '--cwd', cwd], env);
      expect(again).toMatchObject({ exitCode: 0, stderr: '', stdout: `${cwd} is not trusted: nothing to forget.` });
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('--forget-trust says in one line that there is no store, or that a corrupt one was left alone, and runs alone', async () => {
    const cwd = await createTempWorkspace();
    const missing = await shoal(['--forget-trust', '--cwd', cwd]);
    expect(missing).toMatchObject({ exitCode: 0, stderr: '', stdout: `${cwd} is not trusted: nothing to forget.` });

    const stateDir = await createTempWorkspace({ 'trusted-folders.json': '{"version":1,"folders":' });
    const store = path.join(stateDir, 'trusted-folders.json');
    const corrupt = await shoal(['--forget-trust', '--cwd', cwd], { SHOAL_STATE_DIR: stateDir });
    expect(corrupt).toMatchObject({ exitCode: 1, stdout: '' });
    expect(corrupt.stderr).toBe(`shoal: Could not forget the trust of ${cwd}: ${store} is not a trust store shoal wrote; it was left as it is.`);
    expect(await readFile(store, 'utf8')).toBe('{"version":1,"folders":');

    const mixed = await shoal(['--forget-trust', '-p', 'hi', '--cwd', cwd]);
    expect(mixed.exitCode).not.toBe(0);
    expect(mixed.stderr).toContain("option '--forget-trust' cannot be used with option '-p, --prompt <task>'");
    noStack(mixed.stderr);
  });

  it('refuses a FIFO .shoal/config.json with one line, quickly', async () => {
    const cwd = await createTempWorkspace({ '.shoal/README': '' });
    execFileSync('mkfifo', [path.join(cwd, '.shoal', 'config.json')]);
    const started = Date.now();
    const result = await shoal(['-p', 'hi', '--cwd', cwd]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('shoal: .shoal/config.json cannot be read: a FIFO, not a regular file');
  });
});
