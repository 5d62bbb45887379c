import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInitPrompt, parseInitCommand, typedInitCommand } from '../../../src/agent/instructions/init-prompt';
import { checkpointLabel, conversationPrompts } from '../../../src/ui/rewind/prompts';
import { createTempWorkspace } from '../../helpers/temp-workspace';

describe('the /init prompt', () => {
  it('asks for three concurrent research calls, then one write of AGENTS.md for approval', async () => {
    const cwd = await createTempWorkspace({ 'package.json': '{}' });
    const init = await createInitPrompt({ cwd });
    if ('error' in init) throw new Error(init.error);
    expect(init.target).toBe('AGENTS.md');
    expect(init.prompt).toContain('There is no AGENTS.md yet.');
    expect(init.prompt).toContain('in ONE response: three research_codebase calls, which run concurrently');
    expect(init.prompt).toMatch(/Build, test, run:.*\n.*Layout:.*\n.*Conventions:/);
    expect(init.prompt).toContain('Write AGENTS.md with write_file');
    expect(init.prompt).not.toContain('carry over');
    // Concise: the whole prompt stays well under a screen.
    expect(init.prompt.length).toBeLessThan(2200);
  });

  it("improves an existing AGENTS.md and carries over other agents' rule files", async () => {
    const cwd = await createTempWorkspace({ 'AGENTS.md': 'old\n', 'CLAUDE.md': 'c\n', '.github/copilot-instructions.md': 'g\n' });
    const init = await createInitPrompt({ cwd });
    if ('error' in init) throw new Error(init.error);
    expect(init.prompt).toContain('AGENTS.md exists already: read it first and improve it');
    expect(init.prompt).toContain('Prefer update_file edits to a rewrite.');
    expect(init.prompt).toContain('CLAUDE.md, .github/copilot-instructions.md hold rules for other agents: carry over what still holds.');
  });

  it('scopes to a folder, and refuses a missing folder, a file or a way out of the workspace', async () => {
    const outside = await createTempWorkspace();
    const cwd = await createTempWorkspace({ 'src/api/route.ts': 'x\n', 'src/api/CLAUDE.md': 'c\n' });
    await symlink(outside, path.join(cwd, 'out'));
    const init = await createInitPrompt({ cwd, folder: 'src/api/' });
    if ('error' in init) throw new Error(init.error);
    expect(init.target).toBe('src/api/AGENTS.md');
    expect(init.prompt).toContain('before working in the folder src/api/. There is no src/api/AGENTS.md yet. src/api/CLAUDE.md hold');
    expect(init.prompt).toContain('three research_codebase calls (within src/api/; pass it as paths)');
    expect(init.prompt).toContain("Leave out what the root's instructions already say.");
    expect(await createInitPrompt({ cwd, folder: 'nope' })).toEqual({ error: '/init: there is no folder nope in the workspace.' });
    expect(await createInitPrompt({ cwd, folder: 'src/api/route.ts' })).toEqual({ error: "/init takes a folder, and src/api/route.ts is a file: /init alone writes the root's AGENTS.md." });
    for (const folder of ['..', 'out']) expect(await createInitPrompt({ cwd, folder })).toMatchObject({ error: expect.stringMatching(/^\/init: Path .* is outside the workspace/) });
  });

  it('reads /init and its folder from a prompt, and nothing else', () => {
    expect(parseInitCommand('/init')).toEqual({});
    expect(parseInitCommand('  /init src/api ')).toEqual({ folder: 'src/api' });
    expect(parseInitCommand('/initialise')).toBeUndefined();
    expect(parseInitCommand('please /init')).toBeUndefined();
  });

  it('shows /init as typed, not its prompt, where the conversation lists prompts (/rewind, checkpoint labels)', async () => {
    const cwd = await createTempWorkspace({ 'src/x.ts': 'x\n' });
    const init = await createInitPrompt({ cwd, folder: 'src' });
    if ('error' in init) throw new Error(init.error);
    const content = `/init src\n\n${init.prompt}`;
    expect(typedInitCommand(content)).toBe('/init src');
    expect(typedInitCommand('/init\n\nWrite AGENTS.md: the instructions coding agents x')).toBe('/init');
    expect(typedInitCommand('/initx\n\nWrite AGENTS.md: the instructions coding agents x')).toBeUndefined();
    expect(typedInitCommand('please write AGENTS.md')).toBeUndefined();
    const [prompt] = conversationPrompts([{ role: 'user', content }]);
    expect(prompt!.text).toBe('/init src');
    expect(checkpointLabel(prompt!.ordinal, prompt!.text)).toBe('#1 /init src');
  });
});
