import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shoalDir } from '../../../src/config/paths';
import { createBashTool, type BashToolOptions } from '../../../src/tools/shell/bash';
import { nestedGitEntries, sandboxStatus } from '../../../src/tools/shell/sandbox';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const context = { signal: new AbortController().signal, toolCallId: 'call-1', batchId: 'main:1', emit: () => {} };

async function run(cwd: string, command: string, options: Partial<BashToolOptions> = {}): Promise<string> {
  return (await createBashTool({ cwd, ...options }).execute({ command }, context)).output;
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A TCP server on loopback in the test process; resolves its port. */
async function listen(): Promise<number> {
  const server = createServer((socket) => socket.end('hello\n'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

// Real bubblewrap: CI installs it (.ci/run); on Linux a missing sandbox is a failure here, not a skip.
describe.runIf(process.platform === 'linux')('the bash sandbox (bubblewrap)', () => {
  it('is available on this Linux machine', async () => {
    expect(await sandboxStatus()).toMatchObject({ isAvailable: true });
  });

  it('lets a command write the workspace and a private /tmp', async () => {
    const cwd = await createTempWorkspace();
    const name = `shoal-sandbox-${path.basename(cwd)}`;
    expect(await run(cwd, `echo made > made.txt && echo temp > /tmp/${name} && cat /tmp/${name}`)).toBe('temp\nexit code 0');
    expect(readFileSync(path.join(cwd, 'made.txt'), 'utf8')).toBe('made\n');
    // The command's /tmp is its own, not the machine's.
    expect(existsSync(path.join(os.tmpdir(), name))).toBe(false);
  });

  it('cannot write outside the workspace', async () => {
    const cwd = await createTempWorkspace();
    // The repository: neither the workspace nor under /tmp, and writable by this test.
    const outside = path.join(process.cwd(), `shoal-sandbox-${path.basename(cwd)}`);
    try {
      const output = await run(cwd, `touch ${outside}`);
      expect(output).toMatch(/cannot touch .*\nexit code 1$/);
      expect(existsSync(outside)).toBe(false);
    } finally {
      await rm(outside, { force: true });
    }
  });

  it('cannot change .git', async () => {
    const cwd = await createTempWorkspace({ '.git/config': '[core]\n', '.git/hooks/.keep': '' });
    const output = await run(cwd, 'echo "[core] fsmonitor = evil" >> .git/config; touch .git/hooks/pre-commit; echo done');
    expect(output.match(/Read-only file system/g)).toHaveLength(2);
    expect(readFileSync(path.join(cwd, '.git/config'), 'utf8')).toBe('[core]\n');
    expect(existsSync(path.join(cwd, '.git/hooks/pre-commit'))).toBe(false);
  });

  it('cannot change .shoal/config.json', async () => {
    const cwd = await createTempWorkspace({ '.shoal/config.json': '{}\n' });
    expect(await run(cwd, 'echo \'{"approvalMode":"yolo"}\' > .shoal/config.json')).toMatch(/Read-only file system\nexit code 1$/);
    expect(readFileSync(path.join(cwd, '.shoal/config.json'), 'utf8')).toBe('{}\n');
  });

  it('cannot change a nested repository\'s .git or a submodule\'s gitlink, but can change the files beside them', async () => {
    const cwd = await createTempWorkspace({
      'vendor/lib/.git/config': '[core]\n',
      'vendor/lib/.git/hooks/.keep': '',
      'vendor/lib/index.js': 'old\n',
      'modules/sub/.git': 'gitdir: ../../.git/modules/sub\n',
      'node_modules/pkg/.git/config': '[core]\n',
    });
    const output = await run(
      cwd,
      [
        'echo "[core] fsmonitor = evil" >> vendor/lib/.git/config',
        'touch vendor/lib/.git/hooks/pre-commit',
        'echo "gitdir: /tmp/evil" > modules/sub/.git',
        'echo new > vendor/lib/index.js',
        'echo done',
      ].join('; '),
    );
    expect(output).toMatch(/done\nexit code 0$/);
    expect(readFileSync(path.join(cwd, 'vendor/lib/.git/config'), 'utf8')).toBe('[core]\n');
    expect(existsSync(path.join(cwd, 'vendor/lib/.git/hooks/pre-commit'))).toBe(false);
    expect(readFileSync(path.join(cwd, 'modules/sub/.git'), 'utf8')).toBe('gitdir: ../../.git/modules/sub\n');
    expect(readFileSync(path.join(cwd, 'vendor/lib/index.js'), 'utf8')).toBe('new\n');
    // node_modules is not walked: its packages are not repositories the user works in.
    expect(await nestedGitEntries(cwd)).toEqual([path.join(cwd, 'modules/sub/.git'), path.join(cwd, 'vendor/lib/.git')].sort());
  });

  it('protects at most a thousand nested .git entries, so a repository full of them cannot stop every command', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 1200; index++) files[`vendor/r${index}/.git`] = 'gitdir: x\n';
    const cwd = await createTempWorkspace(files);
    expect(await nestedGitEntries(cwd)).toHaveLength(1000);
    expect(await run(cwd, 'echo ran')).toBe('ran\nexit code 0');
  });

  it('cannot create .shoal or .git where there is none, and leaves no trace of trying', async () => {
    const cwd = await createTempWorkspace();
    const output = await run(cwd, 'mkdir -p .shoal; echo \'{"approvalMode":"yolo"}\' > .shoal/config.json; mkdir -p .git/hooks; echo done');
    expect(output).toMatch(/Read-only file system/);
    expect(existsSync(path.join(cwd, '.shoal'))).toBe(false);
    expect(existsSync(path.join(cwd, '.git'))).toBe(false);
  });

  it('has no network unless the option allows it', async () => {
    const cwd = await createTempWorkspace();
    const port = await listen();
    const connect = `(exec 3<>/dev/tcp/127.0.0.1/${port} && head -n 1 <&3) 2>/dev/null || echo unreachable`;
    expect(await run(cwd, connect)).toBe('unreachable\nexit code 0');
    expect(await run(cwd, connect, { network: true })).toBe('hello\nexit code 0');
  });

  it('cannot change any protected entry that exists, nor create one that does not', async () => {
    const cwd = await createTempWorkspace({ '.husky/pre-commit': 'npm test\n', '.vscode/tasks.json': '{}\n', 'src/a.ts': 'x\n' });
    const output = await run(
      cwd,
      'echo evil > .husky/pre-commit; echo evil > .vscode/tasks.json; echo "curl x | sh" > .envrc; mkdir -p .idea && echo x > .idea/workspace.xml; echo ok > src/a.ts',
    );
    expect(readFileSync(path.join(cwd, '.husky/pre-commit'), 'utf8')).toBe('npm test\n');
    expect(readFileSync(path.join(cwd, '.vscode/tasks.json'), 'utf8')).toBe('{}\n');
    expect(existsSync(path.join(cwd, '.envrc'))).toBe(false);
    expect(existsSync(path.join(cwd, '.idea'))).toBe(false);
    expect(readFileSync(path.join(cwd, 'src/a.ts'), 'utf8')).toBe('ok\n');
    expect(output).toContain('Read-only file system');
    // The stand-ins that kept them from being created are gone again.
    expect(existsSync(path.join(cwd, '.gitmodules'))).toBe(false);
    expect(existsSync(path.join(cwd, '.mcp.json'))).toBe(false);
  });

  it('never removes what someone outside the sandbox wrote into a stand-in while the command ran', async () => {
    const { writeFile } = await import('node:fs/promises');
    const cwd = await createTempWorkspace();
    const running = run(cwd, 'sleep 1');
    // An editor outside the sandbox creates .envrc and a JetBrains folder meanwhile.
    for (let attempt = 0; attempt < 1000 && !existsSync(path.join(cwd, '.envrc')); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    await writeFile(path.join(cwd, '.envrc'), 'export A=1\n');
    await writeFile(path.join(cwd, '.idea', 'workspace.xml'), '<project/>\n');
    await running;
    expect(readFileSync(path.join(cwd, '.envrc'), 'utf8')).toBe('export A=1\n');
    expect(readFileSync(path.join(cwd, '.idea', 'workspace.xml'), 'utf8')).toBe('<project/>\n');
  });

  it("cannot reach sockets in /run or /var/tmp, nor read the home directory's credentials", async () => {
    // The home directory inside the workspace: /tmp, where temporary folders live, is private in the sandbox.
    const cwd = await createTempWorkspace({ 'home/.ssh/id_ed25519': 'PRIVATE-KEY-MARKER\n', 'home/.netrc': 'machine x password MARKER2\n', 'home/notes.txt': 'fine\n' });
    const home = path.join(cwd, 'home');
    const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
    Object.assign(process.env, { HOME: home, SSH_AUTH_SOCK: '/run/user/0/ssh-agent.sock' });
    try {
      const probe = `find /run /var/tmp -mindepth 1 | wc -l; cat ${home}/.ssh/* ${home}/.netrc ${home}/notes.txt 2>/dev/null; echo "sock=\${SSH_AUTH_SOCK:-none}"`;
      expect(await run(cwd, probe)).toBe('0\nfine\nsock=none\nexit code 0');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("cannot read shoal's config folder (the API key)", async () => {
    const cwd = await createTempWorkspace({ 'user-config/config.json': '{"apiKey":"sk-secret"}\n' });
    // Inside the workspace, so only the hiding (not the private /tmp) can keep it out.
    const configDir = shoalDir('config', { env: { SHOAL_CONFIG_DIR: path.join(cwd, 'user-config') }, platform: 'linux', homedir: os.homedir() });
    const output = await run(cwd, `cat ${configDir}/config.json; ls -A ${configDir}`, { hiddenPaths: [configDir] });
    expect(output).not.toContain('sk-secret');
    expect(output).toMatch(/No such file or directory\nexit code 0$/);
  });
});

describe('bash without a sandbox', () => {
  it('still runs commands, says so in the preview, and plants no folders', async () => {
    const cwd = await createTempWorkspace();
    const sandbox = async () => ({ isAvailable: false, note: 'commands run without a sandbox: test' });
    const tool = createBashTool({ cwd, sandbox });
    expect(await tool.preview!({ command: 'echo hi' })).toMatchObject({ isSandboxed: false });
    expect((await tool.execute({ command: 'echo hi > out.txt; cat out.txt' }, context)).output).toBe('hi\nexit code 0');
    expect(existsSync(path.join(cwd, '.shoal'))).toBe(false);
  });
});
