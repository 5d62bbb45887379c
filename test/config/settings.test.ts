import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { ConfigError, userConfigPath, type Settings } from '../../src/config/settings';
import { createTempWorkspace } from '../helpers/temp-workspace';

// Pass-through, so one test can make a read fail with EACCES (tests may run as root, where chmod cannot).
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, readFile: vi.fn(actual.readFile) };
});

/** A temp dir holding `project/` (the workspace) and `user/` (SHOAL_CONFIG_DIR), with the given config files. */
async function createSetup(files: { user?: unknown; project?: unknown } = {}) {
  const asText = (contents: unknown) => (typeof contents === 'string' ? contents : JSON.stringify(contents, null, 2));
  const root = await createTempWorkspace({
    'project/README.md': '# workspace\n',
    ...(files.user !== undefined && { 'user/config.json': asText(files.user) }),
    ...(files.project !== undefined && { 'project/.shoal/config.json': asText(files.project) }),
  });
  const cwd = path.join(root, 'project');
  const userFile = path.join(root, 'user', 'config.json');
  const projectFile = path.join(cwd, '.shoal', 'config.json');
  const load = (flags: Settings = {}, env: Record<string, string | undefined> = {}, isTrustGiven = false) =>
    loadConfig({ flags, env: { SHOAL_CONFIG_DIR: path.join(root, 'user'), ...env }, cwd, platform: 'linux', homedir: path.join(root, 'home'), isTrustGiven });
  return { root, cwd, userFile, projectFile, load };
}

async function errorFrom(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig precedence', () => {
  it('takes each key from the highest layer that sets it (flags, env, user file, project file) and records the source', async () => {
    const user = { model: 'user-model', apiKey: 'sk-user', maxSteps: 20, concurrency: 4, allowedTools: ['bash'] };
    const project = { model: 'project-model', maxSteps: 10, concurrency: 2, researchModel: 'project-research', approvalMode: 'auto-edit', allowedTools: ['write_file'] };
    const setup = await createSetup({ user, project });
    // Trusted (--trust), so the project's looser approval mode applies; test/config/trust.test.ts covers the untrusted case.
    const config = await setup.load({ concurrency: 12 }, { SHOAL_CONCURRENCY: '6', SHOAL_MAX_STEPS: '30', OPENAI_API_KEY: 'sk-env' }, true);

    expect(config.settings).toEqual({
      concurrency: 12,
      maxSteps: 30,
      apiKey: 'sk-env',
      model: 'user-model',
      allowedTools: ['bash'], // replaced by the higher layer, not merged
      researchModel: 'project-research',
      approvalMode: 'auto-edit',
    });
    expect(config.sources).toEqual({
      concurrency: { kind: 'flag' },
      maxSteps: { kind: 'env', name: 'SHOAL_MAX_STEPS' },
      apiKey: { kind: 'env', name: 'OPENAI_API_KEY' },
      model: { kind: 'file', path: setup.userFile },
      allowedTools: { kind: 'file', path: setup.userFile },
      researchModel: { kind: 'file', path: setup.projectFile },
      approvalMode: { kind: 'file', path: setup.projectFile },
    });
    expect(config.files).toEqual({ user: setup.userFile, project: setup.projectFile });
    expect(await readFile(setup.userFile, 'utf8')).toBe(JSON.stringify(user, null, 2));
  });

  it('reads every environment variable, trimmed, with its name as the source', async () => {
    const setup = await createSetup();
    const config = await setup.load({}, {
      OPENAI_API_KEY: ' sk-env\n',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      SHOAL_MODEL: 'env-model',
      SHOAL_RESEARCH_MODEL: 'env-research',
      SHOAL_APPROVAL: 'yolo',
      SHOAL_CONCURRENCY: '16',
      SHOAL_MAX_STEPS: '200',
      SHOAL_STALL_TIMEOUT: '30',
      SHOAL_REASONING_EFFORT: 'low',
      SHOAL_PROVIDER: 'openai',
    });
    expect(config.settings).toEqual({
      apiKey: 'sk-env',
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'env-model',
      researchModel: 'env-research',
      approvalMode: 'yolo',
      concurrency: 16,
      maxSteps: 200,
      stallTimeout: 30,
      reasoningEffort: 'low',
      provider: 'openai',
    });
    expect(config.sources.researchModel).toEqual({ kind: 'env', name: 'SHOAL_RESEARCH_MODEL' });
    expect(config.sources.baseUrl).toEqual({ kind: 'env', name: 'OPENAI_BASE_URL' });
  });

  it('treats empty environment values and undefined flags as unset', async () => {
    const setup = await createSetup({ user: { model: 'user-model', baseUrl: 'https://example.test/v1' } });
    const config = await setup.load({ model: undefined }, { SHOAL_MODEL: '', OPENAI_BASE_URL: '  ' });
    expect(config.settings).toEqual({ model: 'user-model', baseUrl: 'https://example.test/v1' });
    expect(config.sources.model).toEqual({ kind: 'file', path: setup.userFile });
  });

  it('is fine with neither file present', async () => {
    const setup = await createSetup();
    expect(await setup.load()).toEqual({ settings: {}, sources: {}, files: { user: setup.userFile, project: setup.projectFile }, notes: [] });
  });

  it('accepts a file that starts with a byte-order mark', async () => {
    const setup = await createSetup({ project: '\uFEFF{"maxSteps": 5}' });
    expect((await setup.load()).settings).toEqual({ maxSteps: 5 });
  });
});

describe('loadConfig validation', () => {
  it('names the file, the key and what was expected for a wrong type, shortening the home directory to ~', async () => {
    const root = await createTempWorkspace({ 'home/.config/shoal/config.json': '{ "concurrency": "eight" }', 'project/x': '' });
    const error = await errorFrom(loadConfig({ flags: {}, env: {}, cwd: path.join(root, 'project'), platform: 'linux', homedir: path.join(root, 'home') }));
    expect(error.message).toBe('~/.config/shoal/config.json: "concurrency" must be a whole number from 1 to 64 (got "eight")');
  });

  it('reports every value out of range, one line each', async () => {
    const setup = await createSetup({ project: { maxSteps: 0, researchMaxSteps: 201, concurrency: 2.5 } });
    expect((await errorFrom(setup.load())).message).toBe(
      [
        '.shoal/config.json: "concurrency" must be a whole number from 1 to 64 (got 2.5)',
        '.shoal/config.json: "maxSteps" must be a whole number from 1 to 1000 (got 0)',
        '.shoal/config.json: "researchMaxSteps" must be a whole number from 1 to 200 (got 201)',
      ].join('\n'),
    );
  });

  it('rejects unknown keys, suggesting the closest known one', async () => {
    const setup = await createSetup({ project: { modle: 'x', colour: 'blue' } });
    expect((await errorFrom(setup.load())).message).toBe(
      '.shoal/config.json: unknown key "modle" (did you mean "model"?)\n' +
        '.shoal/config.json: unknown key "colour" (known keys: model, baseUrl, provider, apiKey, approvalMode, allowedTools, webDomains, webAllowPrivate, concurrency, maxSteps, researchModel, researchMaxSteps, commandNetwork, contextWindow, compactAt, stallTimeout, reasoningEffort, notify, mcpServers, applyPatch, images, hooks)',
    );
  });

  it('names the levels when a reasoning effort is not one of them, and where it came from', async () => {
    const setup = await createSetup();
    expect((await errorFrom(setup.load({}, { SHOAL_REASONING_EFFORT: 'max' }))).message).toBe(
      'SHOAL_REASONING_EFFORT must be one of "none", "minimal", "low", "medium", "high" (got "max")',
    );
  });

  it('names the two APIs when a provider is not one of them, from the environment or a file', async () => {
    const setup = await createSetup({ user: { provider: 'responses' } });
    expect((await errorFrom(setup.load({}, { SHOAL_PROVIDER: 'anthropic' }))).message).toBe(
      'SHOAL_PROVIDER must be "openai" (the Responses API) or "chat" (Chat Completions) (got "anthropic")',
    );
    expect((await errorFrom(setup.load())).message).toBe(`${setup.userFile}: "provider" must be "openai" (the Responses API) or "chat" (Chat Completions) (got "responses")`);
    expect((await (await createSetup()).load({ provider: 'chat' })).settings).toEqual({ provider: 'chat' });
  });

  it('rejects a bad approval mode, tool name or URL', async () => {
    const setup = await createSetup({ user: { approvalMode: 'always', allowedTools: ['write_file', 'rm'], baseUrl: 'localhost:11434' } });
    const file = setup.userFile;
    expect((await errorFrom(setup.load())).message).toBe(
      [
        `${file}: "baseUrl" must be an http or https URL such as "http://127.0.0.1:11434/v1" (got "localhost:11434")`,
        `${file}: "approvalMode" must be one of "ask", "auto-edit", "plan", "yolo" (got "always")`,
        `${file}: "allowedTools" must be a list of tool names from "write_file", "update_file", "apply_patch", "bash", "web_fetch" or MCP tools such as "mcp__github__create_issue" (got ["write_file","rm"])`,
      ].join('\n'),
    );
  });

  it('accepts web_fetch in allowedTools and domain patterns in webDomains, and names a bad pattern', async () => {
    const good = await createSetup({ user: { allowedTools: ['web_fetch'], webDomains: ['docs.python.org', '*.mozilla.org'], webAllowPrivate: false } });
    expect((await good.load()).settings).toMatchObject({ allowedTools: ['web_fetch'], webDomains: ['docs.python.org', '*.mozilla.org'], webAllowPrivate: false });
    for (const bad of ['*', 'https://docs.python.org', 'a b.org', '*.*.org']) {
      const setup = await createSetup({ user: { webDomains: [bad] } });
      expect((await errorFrom(setup.load())).message).toContain('"webDomains" must be a list of domains such as "docs.python.org" or "*.mozilla.org"');
    }
  });

  it('accepts images as true or false, and names another value', async () => {
    expect((await (await createSetup({ user: { images: true } })).load()).settings).toMatchObject({ images: true });
    const setup = await createSetup({ user: { images: 'auto' } });
    expect((await errorFrom(setup.load())).message).toBe(`${setup.userFile}: "images" must be true or false (got "auto")`);
  });

  it('accepts applyPatch as true or false, and names another value', async () => {
    expect((await (await createSetup({ user: { applyPatch: false }, project: { applyPatch: true } })).load()).settings).toMatchObject({ applyPatch: false });
    const setup = await createSetup({ user: { applyPatch: 'yes' } });
    expect((await errorFrom(setup.load())).message).toBe(`${setup.userFile}: "applyPatch" must be true or false (got "yes")`);
  });

  it('does not echo a malformed apiKey', async () => {
    const setup = await createSetup({ user: { apiKey: 12345 } });
    expect((await errorFrom(setup.load())).message).toBe(`${setup.userFile}: "apiKey" must be a non-empty string (got a number)`);
  });

  it('points at the line and column of broken JSON', async () => {
    const setup = await createSetup({ project: '{\n  "model": "x",\n    oops\n}\n' });
    expect((await errorFrom(setup.load())).message).toBe(
      '.shoal/config.json is not valid JSON at line 3, column 5: Expected double-quoted property name',
    );
  });

  it('places truncated JSON at its end, and still explains JSON errors that carry no position', async () => {
    const truncated = await createSetup({ project: '{\n  "model": ' });
    expect((await errorFrom(truncated.load())).message).toBe('.shoal/config.json is not valid JSON at line 2, column 12: Unexpected end of JSON input');
    const unpositioned = await createSetup({ project: '{"model": tru}' });
    expect((await errorFrom(unpositioned.load())).message).toBe(".shoal/config.json is not valid JSON: Unexpected token '}'");
  });

  it('wants a JSON object at the top level', async () => {
    const setup = await createSetup({ project: '["model"]' });
    expect((await errorFrom(setup.load())).message).toBe('.shoal/config.json must hold a JSON object such as {"maxSteps": 50} (got ["model"])');
  });

  it('refuses an apiKey in the project file, which may be committed, without echoing it', async () => {
    const setup = await createSetup({ project: { apiKey: 'sk-secret' } });
    const error = await errorFrom(setup.load({}, { OPENAI_API_KEY: 'sk-env' }));
    expect(error.message).toBe(
      `.shoal/config.json: "apiKey" is not allowed in a project file, which may be committed; set OPENAI_API_KEY in the environment or put it in ${setup.userFile}`,
    );
  });

  it('names the environment variable or flag holding a bad value', async () => {
    const setup = await createSetup();
    expect((await errorFrom(setup.load({}, { SHOAL_CONCURRENCY: 'lots', SHOAL_APPROVAL: 'YOLO', SHOAL_MAX_STEPS: '1e3' }))).message).toBe(
      [
        'SHOAL_APPROVAL must be one of "ask", "auto-edit", "plan", "yolo" (got "YOLO")',
        'SHOAL_CONCURRENCY must be a whole number from 1 to 64 (got "lots")',
        'SHOAL_MAX_STEPS must be a whole number from 1 to 1000 (got "1e3")',
      ].join('\n'),
    );
    expect((await errorFrom(setup.load({ concurrency: 100, allowedTools: ['rm'] }))).message).toBe(
      '--allow must be a list of tool names from "write_file", "update_file", "apply_patch", "bash", "web_fetch" or MCP tools such as "mcp__github__create_issue" (got ["rm"])\n' +
        '--concurrency must be a whole number from 1 to 64 (got 100)',
    );
  });

  it('rejects a bad file even when higher layers override every value in it', async () => {
    const setup = await createSetup({ project: { concurrency: 'eight' } });
    const error = await errorFrom(setup.load({ concurrency: 4 }));
    expect(error.message).toBe('.shoal/config.json: "concurrency" must be a whole number from 1 to 64 (got "eight")');
  });

  it('names a config path that cannot be read: a directory, or no permission', async () => {
    const setup = await createSetup();
    await mkdir(setup.userFile, { recursive: true });
    expect((await errorFrom(setup.load())).message).toBe(`${setup.userFile} cannot be read: it is a directory, not a file`);

    const denied = await createSetup({ project: { model: 'x' } });
    vi.mocked(readFile).mockRejectedValueOnce(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    expect((await errorFrom(denied.load())).message).toBe(`${denied.userFile} cannot be read: permission denied`);
  });

  it('reads the project file through the workspace confinement: no FIFO wait, no link out, no device', async () => {
    const fifo = await createSetup();
    await mkdir(path.dirname(fifo.projectFile));
    execFileSync('mkfifo', [fifo.projectFile]);
    const started = performance.now();
    expect((await errorFrom(fifo.load())).message).toBe('.shoal/config.json cannot be read: a FIFO, not a regular file');
    expect(performance.now() - started).toBeLessThan(15_000);

    for (const target of ['/dev/zero', '/etc/hostname']) {
      const linked = await createSetup();
      await mkdir(path.dirname(linked.projectFile));
      await symlink(target, linked.projectFile);
      expect((await errorFrom(linked.load())).message).toBe('.shoal/config.json cannot be read: it points outside the workspace');
    }
  });
});

describe('userConfigPath', () => {
  it.each([
    ['linux', {}, '/home/me', '/home/me/.config/shoal/config.json'],
    ['darwin', {}, '/Users/me', '/Users/me/Library/Application Support/shoal/config.json'],
    ['win32', { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'C:\\Users\\me', 'C:\\Users\\me\\AppData\\Roaming\\shoal\\config.json'],
    ['win32', {}, 'C:\\Users\\me', 'C:\\Users\\me\\AppData\\Roaming\\shoal\\config.json'],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/me', '/xdg/shoal/config.json'],
    ['darwin', { XDG_CONFIG_HOME: '/xdg' }, '/Users/me', '/xdg/shoal/config.json'],
    ['linux', { XDG_CONFIG_HOME: 'relative/xdg' }, '/home/me', '/home/me/.config/shoal/config.json'],
    ['linux', { XDG_CONFIG_HOME: '/xdg', SHOAL_CONFIG_DIR: '/custom' }, '/home/me', '/custom/config.json'],
    ['linux', { SHOAL_CONFIG_DIR: '' }, '/home/me', '/home/me/.config/shoal/config.json'],
  ] as const)('on %s with %o and home %s is %s', (platform, env, homedir, expected) => {
    expect(userConfigPath({ env, platform, homedir })).toBe(expected);
  });
});
