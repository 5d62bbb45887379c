import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { startOpenAIServer, type ServerReply } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux } from '../helpers/tmux';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

const isSubagent = (body: Record<string, any>) => JSON.stringify(body.messages[0]).includes('research sub-agent');
const toolCount = (body: Record<string, any>) => body.messages.filter((message: any) => message.role === 'tool').length;
const NEW_GUIDE = '# Repository Guidelines\\n\\n## Build, test and run\\n\\n```sh\\nmake check\\n```\\n';

describe('/init in a real terminal', () => {
  it('runs three research sub-agents, shows the AGENTS.md diff for approval, then gives pkg/AGENTS.md with the first read in pkg', async () => {
    const cwd = await createTempWorkspace({ 'AGENTS.md': '# Notes\nRun make.\n', 'Makefile': 'check:\n\ttrue\n', 'pkg/AGENTS.md': 'Pkg rule: no default exports.\n', 'pkg/a.ts': 'export const a = 1;\n' });
    const research = (id: string, question: string) => ({ id, name: 'research_codebase', arguments: JSON.stringify({ question }) });
    const server = await startOpenAIServer((body): ServerReply => {
      if (isSubagent(body)) return { text: 'make check runs the checks (Makefile:1).' };
      const prompts = body.messages.filter((message: any) => message.role === 'user').length;
      if (prompts === 1 && toolCount(body) === 0) return { toolCalls: [research('q1', 'build, test, run'), research('q2', 'layout'), research('q3', 'conventions')] };
      if (prompts === 1 && toolCount(body) === 3) return { toolCalls: [{ id: 'w', name: 'write_file', arguments: `{"path":"AGENTS.md","content":"${NEW_GUIDE}"}` }] };
      if (prompts === 1) return { text: 'AGENTS.md now covers make check.' };
      if (toolCount(body) === 4) return { toolCalls: [{ id: 'r', name: 'read_file', arguments: '{"path":"pkg/a.ts"}' }] };
      return { text: 'Read pkg/a.ts.' };
    });
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'e2e-model', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
    });

    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.submit('/init');
    const asking = await terminal.waitFor((screen) => screen.includes('Edit AGENTS.md?'));
    expect(asking).toMatch(/Research · 3 sub-agents in parallel/);
    expect(asking).toMatch(/-Run make\./);
    expect(asking).toMatch(/\+# Repository Guidelines/);
    expect(await readFile(path.join(cwd, 'AGENTS.md'), 'utf8')).toBe('# Notes\nRun make.\n');
    expect(server.requests.filter(isSubagent)).toHaveLength(3);
    await terminal.sendKeys('y');
    await terminal.waitFor((screen) => screen.includes('AGENTS.md now covers make check.'));
    expect(await readFile(path.join(cwd, 'AGENTS.md'), 'utf8')).toContain('make check');

    await terminal.submit('read pkg/a.ts');
    const read = await terminal.waitFor((screen) => screen.includes('Read pkg/a.ts.'));
    expect(read).toContain('pkg/AGENTS.md given to the model: it applies to files under pkg/');
    const last = server.requests.at(-1)!;
    const result = last.messages.find((message: any) => message.tool_call_id === 'r');
    expect(result.content).toContain('[Instructions from pkg/AGENTS.md apply to files under pkg/]\nPkg rule: no default exports.');
    // The root's file is read again at each prompt: /init's request had the old one, the next has what /init wrote.
    const first = server.requests.find((request) => !isSubagent(request))!;
    expect(first.messages[0].content).toContain('## Project instructions (AGENTS.md)\n# Notes\nRun make.');
    expect(last.messages[0].content).toContain('## Project instructions (AGENTS.md)\n# Repository Guidelines');
    expect(last.messages[0].content).not.toContain('Run make.');
  }, 90_000);
});
