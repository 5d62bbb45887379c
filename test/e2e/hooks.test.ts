import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { READ_FIELD, writeHookScripts } from '../helpers/hook-scripts';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { startTmux } from '../helpers/tmux';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

describe('hooks in a real terminal', () => {
  it("lists a repository's hook in the trust prompt, and once trusted its PreToolUse block shows in the transcript and reaches the model", async () => {
    const cwd = await createTempWorkspace({ 'build/out.js': 'x\n' });
    const scripts = await writeHookScripts(cwd, { 'guard.sh': `cmd=$(${READ_FIELD('tool_input.command')})\ncase "$cmd" in *rm\\ -rf*) echo "rm -rf is blocked here; use git clean" >&2; exit 2;; esac` });
    await mkdir(path.join(cwd, '.shoal'));
    await writeFile(path.join(cwd, '.shoal/config.json'), JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: scripts['guard.sh'] }] }] } }));
    const server = await startOpenAIServer([
      { text: 'Cleaning.', toolCalls: [{ id: 'c1', name: 'bash', arguments: JSON.stringify({ command: 'rm -rf build' }) }] },
      { text: 'The hook refused; I will use git clean instead.' },
    ]);
    const home = await createTempWorkspace();
    const terminal = await startTmux([process.execPath, cli, '--base-url', server.baseUrl, '--model', 'local', '--approval', 'yolo', '--cwd', cwd], {
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', TERM: 'xterm-256color', SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') },
      rows: 40,
      columns: 160,
    });

    const trust = await terminal.waitFor((screen) => screen.includes('would:'));
    expect(trust).toContain(`run hook PreToolUse (Bash): ${scripts['guard.sh']}`);
    await terminal.sendKeys('y');
    await terminal.waitFor((screen) => screen.includes('/help for commands'));
    await terminal.submit('clean the build folder');
    const done = await terminal.waitFor((screen) => screen.includes('use git clean instead.'));
    console.log(done);
    expect(done).toContain(`PreToolUse hook blocked bash (${scripts['guard.sh']}): rm -rf is blocked here; use git clean`);
    expect(existsSync(path.join(cwd, 'build/out.js'))).toBe(true);
    const result = server.requests[1]!.messages.find((message: { role: string }) => message.role === 'tool');
    expect(result.content).toBe('Blocked by a PreToolUse hook: rm -rf is blocked here; use git clean');
  }, 60_000);
});
