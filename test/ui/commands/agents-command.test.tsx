import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAgentSet } from '../../../src/agent/user-agents/agent-set';
import { createRegistry } from '../../../src/tools/registry';
import type { CallView } from '../../../src/state/types';
import { ApprovalPrompt } from '../../../src/ui/approval/ApprovalPrompt';
import { parseSlashCommand } from '../../../src/ui/commands/commands';
import { renderApp, typeAndSend, waitForFrame } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';

afterEach(() => cleanup());

describe('/agents', () => {
  it('lists each loaded agent with its source, tools and description, escaping what a file chose', async () => {
    expect(parseSlashCommand('/agents')).toEqual({ type: 'agents' });
    const { agents } = await buildAgentSet(
      [
        { name: 'reviewer', text: '---\nname: reviewer\ndescription: Reviews a change\ntools: Read, Grep\n---\nReview.', source: 'user' },
        { name: 'fixer', text: '---\nname: fixer\ndescription: "Fixes tests \\e[2J now"\ntools: Read, Edit, Bash\n---\nFix.', source: 'project' },
        { name: 'explorer', text: '---\nname: explorer\ndescription: Explores\n---\nLook.', source: 'user' },
        { name: 'tidy', text: '---\nname: tidy\ndescription: Tidies\ntools: Write\npermissionMode: dontAsk\nmaxTurns: 5\n---\nTidy.', source: 'user' },
      ],
      (file) => `${file.source === 'user' ? '~/.config/shoal/agents' : '.shoal/agents'}/${file.name}.md`,
    );
    const app = renderApp({ model: createScriptedModel([]), tools: createRegistry([]), props: { agents } });
    await waitForFrame(app, (frame) => frame.includes('welcome to shoal'));
    await typeAndSend(app.stdin, '/agents');
    const frame = await waitForFrame(app, (text) => text.includes('Agents (4'));
    const lines = frame.split('\n').map((line) => line.trim());
    const block = (name: string) => lines.slice(lines.findIndex((line) => line.startsWith(`${name} ·`)), lines.findIndex((line) => line.startsWith(`${name} ·`)) + 3);
    expect(block('explorer')).toEqual(['explorer · user · ~/.config/shoal/agents/explorer.md', 'tools: read_file, list_dir, glob, grep (read-only, the default)', 'Explores']);
    expect(block('fixer')).toEqual(['fixer · project · .shoal/agents/fixer.md', 'tools: read_file, update_file, bash (writes and commands ask)', 'Fixes tests \\e[2J now']);
    expect(block('reviewer')).toEqual(['reviewer · user · ~/.config/shoal/agents/reviewer.md', 'tools: read_file, grep (read-only)', 'Reviews a change']);
    expect(block('tidy')).toEqual(['tidy · user · ~/.config/shoal/agents/tidy.md · at most 5 steps', 'tools: write_file (permissionMode dontAsk: what you allowed runs, the rest is denied unasked)', 'Tidies']);
    expect(frame).not.toMatch(/\u001b\[2J/);
  });

  it('says how to add one when none is loaded', async () => {
    const app = renderApp({ model: createScriptedModel([]), tools: createRegistry([]) });
    await waitForFrame(app, (frame) => frame.includes('welcome to shoal'));
    await typeAndSend(app.stdin, '/agents');
    await waitForFrame(app, (text) => text.includes('No agents loaded. Put NAME.md files'));
  });
});

describe("an agent's approval", () => {
  it('names the agent that asks, under the title', () => {
    const call: CallView = {
      key: 'scribe:w1:f1', toolCallId: 'f1', toolName: 'write_file', agentId: 'scribe:w1', input: {}, step: 1, status: 'awaiting-approval', description: '',
      preview: { type: 'diff', path: 'notes.md', isNewFile: true, diff: '--- /dev/null\n+++ b/notes.md\n@@ -0,0 +1,1 @@\n+# notes\n' },
    };
    const { lastFrame } = render(<ApprovalPrompt call={call} maxDiffLines={40} width={80} onAnswer={() => {}} onDenyAndStop={() => {}} />);
    const lines = lastFrame()!.split('\n').map((line) => line.replace(/[│╭╮╰╯─]/g, '').trim());
    expect(lines.slice(1, 3)).toEqual(['Create notes.md?', 'Asked by your agent scribe.']);
  });
});
