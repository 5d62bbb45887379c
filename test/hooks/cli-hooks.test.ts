import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { writeHookScripts } from '../helpers/hook-scripts';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

/** The built CLI on the offline demo model, with its own config and state folders under `home`. */
function shoal(args: string[], home: string) {
  const env = { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', SHOAL_CONFIG_DIR: path.join(home, 'config'), SHOAL_STATE_DIR: path.join(home, 'state') };
  return execa(process.execPath, [cli, '--model', 'demo', ...args], { env, reject: false, stdin: 'ignore', timeout: 30_000 });
}

describe('hooks from config files, in the built CLI', () => {
  it("runs a repository's hooks only once the folder is trusted, and names them while it is not", async () => {
    const home = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'mark.sh': 'cat > "$CLAUDE_PROJECT_DIR/prompt-input.json"' });
    await mkdir(path.join(cwd, '.shoal'));
    await writeFile(path.join(cwd, '.shoal/config.json'), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: scripts['mark.sh'] }] }] } }));

    const untrusted = await shoal(['-p', 'hi', '--cwd', cwd], home);
    expect(untrusted.exitCode).toBe(0);
    expect(existsSync(path.join(cwd, 'prompt-input.json'))).toBe(false);
    expect(untrusted.stderr).toContain('shoal: ignoring hooks from .shoal/config.json (untrusted folder; pass --trust to apply them)');

    const trusted = await shoal(['-p', 'hi', '--cwd', cwd, '--trust'], home);
    expect(trusted.exitCode).toBe(0);
    const input = JSON.parse(await readFile(path.join(cwd, 'prompt-input.json'), 'utf8'));
    expect(input).toMatchObject({ hook_event_name: 'UserPromptSubmit', prompt: 'hi', cwd });
  }, 60_000);

  it("names a bad hook entry of the user's config in one line and still runs the good ones", async () => {
    const home = await createTempWorkspace();
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, { 'start.sh': 'cat > "$CLAUDE_PROJECT_DIR/start-input.json"' });
    await mkdir(path.join(home, 'config'), { recursive: true });
    const hooks = { SessionStart: [{ hooks: [{ type: 'command', command: scripts['start.sh'] }, { type: 'script', run: 'x' }] }], PreToolUs: [] };
    await writeFile(path.join(home, 'config/config.json'), JSON.stringify({ hooks }));
    const result = await shoal(['-p', 'hi', '--cwd', cwd, '--output-format', 'stream-json'], home);
    expect(result.exitCode).toBe(0);
    const problems = result.stderr.split('\n').filter((line) => line.includes('hooks.'));
    expect(problems).toEqual([
      expect.stringMatching(/^shoal: .*config\.json: hooks\.SessionStart\[0\]\.hooks\[1\] must be \{"type": "command", "command": "\.\.\.", "timeout": <seconds>\} \(got \{"type":"script","run":"x"\}\); that hook is ignored$/),
      expect.stringMatching(/^shoal: .*config\.json: hooks\.PreToolUs: unknown hook event \(known: PreToolUse, .*\); that hook is ignored$/),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(JSON.parse(await readFile(path.join(cwd, 'start-input.json'), 'utf8'))).toMatchObject({ hook_event_name: 'SessionStart', source: 'startup' });
    const nodes = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(nodes[0]).toMatchObject({ type: 'hook-result', event: 'SessionStart', status: 'ok', command: scripts['start.sh'] });
  }, 60_000);
});
