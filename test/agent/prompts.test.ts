import { describe, expect, it } from 'vitest';
import { loadAgentsMd, mainInstructions, researchInstructions } from '../../src/agent/prompts';
import { createTempWorkspace } from '../helpers/temp-workspace';

describe('prompts', () => {
  it('ask both agents to batch independent reads in one response, and say when not to', () => {
    for (const prompt of [mainInstructions({ cwd: '/repo' }), researchInstructions({ cwd: '/repo' })]) {
      expect(prompt).toContain('make them ALL in the same response');
      expect(prompt).toContain('Do not batch a read that needs an earlier result');
    }
    expect(researchInstructions({ cwd: '/repo' })).toContain('read-only tools only');
  });

  it("add the workspace's AGENTS.md to the main prompt", async () => {
    const cwd = await createTempWorkspace({ 'AGENTS.md': 'Run `make check` before you finish.\n' });
    const agentsMd = await loadAgentsMd(cwd);
    expect(mainInstructions({ cwd, agentsMd })).toContain('## Project instructions (AGENTS.md)\nRun `make check` before you finish.');
    expect(await loadAgentsMd(await createTempWorkspace())).toBeUndefined();
  });
});

describe('AGENTS.md from a hostile repository', () => {
  it('never carries the environment or a file outside the workspace into the prompt', async () => {
    const { symlink } = await import('node:fs/promises');
    const path = await import('node:path');
    for (const target of ['/proc/self/environ', '../../../../../../etc/passwd']) {
      const cwd = await createTempWorkspace();
      await symlink(target, path.join(cwd, 'AGENTS.md'));
      expect(await loadAgentsMd(cwd)).toBeUndefined();
    }
  });
});
