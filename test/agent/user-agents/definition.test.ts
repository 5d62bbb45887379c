import { describe, expect, it } from 'vitest';
import { buildAgentSet } from '../../../src/agent/user-agents/agent-set';
import { parseAgentFile, type AgentFile } from '../../../src/agent/user-agents/definition';

const file = (name: string, text: string, source: AgentFile['source'] = 'user'): AgentFile => ({ name, text, source });
const parse = async (text: string) => parseAgentFile(file('x', text), 'agents/x.md');
const pathOf = (entry: AgentFile) => `${entry.source === 'user' ? '~/.config/shoal/agents' : '.shoal/agents'}/${entry.name}.md`;

describe("an agent file in Claude Code's format", () => {
  it("maps Claude Code's tool names to shoal's and names the ones it drops", async () => {
    const parsed = await parse('---\nname: fixer\ndescription: Fixes tests\ntools: Read, Grep, Glob, LS, Edit, MultiEdit, Write, Bash, WebFetch, WebSearch, Task\nmodel: gpt-5.4-mini\n---\nFix them.\n');
    expect(parsed).toMatchObject({
      agent: {
        name: 'fixer',
        tools: ['read_file', 'grep', 'glob', 'list_dir', 'update_file', 'write_file', 'bash', 'web_fetch'],
        canWrite: true,
        model: 'gpt-5.4-mini',
        prompt: 'Fix them.',
      },
      notes: ['agent fixer (agents/x.md): dropped unknown tools "WebSearch", "Task"'],
    });
  });

  it('takes tools as a YAML list, shoal names and MCP tools alike, and leaves unknown fields alone', async () => {
    const parsed = await parse('---\nname: docs\ndescription: "Finds docs: all of them"\ntools:\n  - read_file\n  - mcp__docs__search\ncolor: blue\nmodel: inherit\n---\nBody');
    expect(parsed).toMatchObject({ agent: { tools: ['read_file', 'mcp__docs__search'], canWrite: false, description: 'Finds docs: all of them' }, notes: [] });
    expect('agent' in parsed && parsed.agent.model).toBeUndefined();
  });

  it('gives an agent without a tools line the read-only tools, and runs a Claude model alias on the main model, saying so', async () => {
    const parsed = await parse('---\nname: explorer\ndescription: Explores\nmodel: sonnet\n---\nLook around.');
    expect(parsed).toMatchObject({
      agent: { tools: ['read_file', 'list_dir', 'glob', 'grep'], hasToolsLine: false, canWrite: false },
      notes: ["agent explorer (agents/x.md): model sonnet is Claude Code's; it runs on the main model"],
    });
  });

  it("reads a Claude Code description with ': ' in it (its generated agents write them so)", async () => {
    const parsed = await parse('---\nname: reviewer\ndescription: Use this agent after a change. Examples: <example>user: review it</example>\ntools: Read\n---\nReview.');
    expect(parsed).toMatchObject({ agent: { description: 'Use this agent after a change. Examples: <example>user: review it</example>' } });
  });

  it('refuses a bad name, a missing description, a broken YAML block or no front matter, each in one line', async () => {
    const errors = await Promise.all(
      [
        '---\nname: Bad_Name\ndescription: x\n---\n',
        '---\nname: ok\n---\nbody',
        '---\nname: [unclosed\ndescription: x\n---\n',
        'Just a prompt, no front matter.',
        '---\nname: ok\ndescription: x\ntools: 7\n---\n',
      ].map(async (text) => {
        const parsed = await parse(text);
        return 'error' in parsed ? parsed.error : undefined;
      }),
    );
    expect(errors[0]).toBe('name "Bad_Name" is not lowercase letters, digits and hyphens (at most 64)');
    expect(errors[1]).toBe('description is missing: it tells the model when to call the agent');
    expect(errors[2]).toMatch(/^front matter is not valid YAML: /);
    expect(errors[3]).toBe('no front matter (a --- block with name and description)');
    expect(errors[4]).toBe('tools is neither a comma-separated string nor a list of names');
    for (const error of errors) expect(error).not.toContain('\n');
  });
});

describe("Claude Code's disallowedTools, maxTurns and permissionMode", () => {
  it('takes disallowedTools away from the listed tools, and Write or Edit takes apply_patch too', async () => {
    const listed = await parse('---\nname: fixer\ndescription: Fixes\ntools: Read, Grep, Bash, Write, apply_patch\ndisallowedTools: Bash\n---\n');
    expect(listed).toMatchObject({ agent: { tools: ['read_file', 'grep', 'write_file', 'apply_patch'], canWrite: true }, notes: [] });
    const noFileChanges = await parse('---\nname: runner\ndescription: Runs\ntools: [read_file, bash, apply_patch, update_file]\ndisallowedTools: [Edit]\n---\n');
    expect(noFileChanges).toMatchObject({ agent: { tools: ['read_file', 'bash'] } });
  });

  it('starts from every built-in tool when there is no tools line, as Claude Code inherits them, and names what it does not know', async () => {
    const parsed = await parse('---\nname: safe\ndescription: Everything but writes\ndisallowedTools: Write, Edit, WebSearch\n---\n');
    expect(parsed).toMatchObject({
      agent: { tools: ['read_file', 'list_dir', 'glob', 'grep', 'web_fetch', 'bash'], hasToolsLine: false, canWrite: true },
      notes: ['agent safe (agents/x.md): disallowedTools names unknown tools "WebSearch"'],
    });
    // An empty list takes nothing away: the read-only default stays.
    expect(await parse('---\nname: safe\ndescription: x\ndisallowedTools: []\n---\n')).toMatchObject({ agent: { tools: ['read_file', 'list_dir', 'glob', 'grep'] } });
    const bad = await parse('---\nname: safe\ndescription: x\ndisallowedTools: {a: 1}\n---\n');
    expect(bad).toEqual({ error: 'disallowedTools is neither a comma-separated string nor a list of names' });
  });

  it("gives an agent with Bash(…) entries bash for those commands only, and every command beside a plain Bash", async () => {
    const limited = await parse('---\nname: gitter\ndescription: x\ntools: Read, Bash(git status:*), Bash(git diff *)\n---\n');
    expect(limited).toMatchObject({ agent: { tools: ['read_file', 'bash'], commandRules: ['git status:*', 'git diff *'], canWrite: true }, notes: [] });
    const whole = await parse('---\nname: gitter\ndescription: x\ntools: [Bash(git *), Bash]\n---\n');
    expect('agent' in whole && whole.agent.commandRules).toBeUndefined();
    // A pattern in disallowedTools is left out, not read as all of bash.
    const denied = await parse('---\nname: gitter\ndescription: x\ntools: Read, Bash\ndisallowedTools: Bash(rm:*)\n---\n');
    expect(denied).toMatchObject({
      agent: { tools: ['read_file', 'bash'] },
      notes: ['agent gitter (agents/x.md): disallowedTools entries with a pattern are left out: "Bash(rm:*)"'],
    });
  });

  it('reads maxTurns as a step limit, and says once when it is not a whole number from 1 to 200', async () => {
    expect(await parse('---\nname: quick\ndescription: x\nmaxTurns: 3\n---\n')).toMatchObject({ agent: { maxTurns: 3 }, notes: [] });
    expect(await parse('---\nname: quick\ndescription: x\nmaxTurns: "12"\n---\n')).toMatchObject({ agent: { maxTurns: 12 } });
    for (const value of ['0', '2.5', 'many', '100000']) {
      const parsed = await parse(`---\nname: quick\ndescription: x\nmaxTurns: ${value}\n---\n`);
      expect('agent' in parsed && parsed.agent.maxTurns).toBeUndefined();
      expect('agent' in parsed && parsed.notes).toEqual([expect.stringMatching(/^agent quick \(agents\/x\.md\): maxTurns .+ is not a whole number from 1 to 200; the usual limit applies$/)]);
    }
  });

  it("maps permissionMode to shoal's modes, and a project's agent may not run its writes unasked", async () => {
    const modeOf = async (mode: string, source: AgentFile['source'] = 'user') => {
      const parsed = await parseAgentFile(file('w', `---\nname: w\ndescription: x\ntools: Write\npermissionMode: ${mode}\n---\n`, source), 'agents/w.md');
      return 'agent' in parsed ? { mode: parsed.agent.permissionMode, notes: parsed.notes } : parsed;
    };
    expect(await modeOf('default')).toEqual({ mode: undefined, notes: [] });
    expect(await modeOf('plan')).toEqual({ mode: 'plan', notes: [] });
    expect(await modeOf('dontAsk')).toEqual({ mode: 'dont-ask', notes: [] });
    expect(await modeOf('acceptEdits')).toEqual({ mode: 'auto-edit', notes: [] });
    expect(await modeOf('bypassPermissions')).toEqual({ mode: 'yolo', notes: [] });
    // Stricter modes hold in a project's agent; laxer ones are the user's alone to give.
    expect(await modeOf('plan', 'project')).toEqual({ mode: 'plan', notes: [] });
    expect(await modeOf('bypassPermissions', 'project')).toEqual({
      mode: undefined,
      notes: ["agent w (agents/w.md): permissionMode bypassPermissions applies only to your own agents, not a project's; its writes and commands ask as the session's do"],
    });
    expect(await modeOf('sudo')).toEqual({
      mode: undefined,
      notes: ['agent w (agents/w.md): permissionMode "sudo" is not one of default, plan, dontAsk, acceptEdits, bypassPermissions; its writes and commands ask as the session\'s do'],
    });
    expect(await modeOf('toString')).toMatchObject({ mode: undefined });
  });
});

describe('what a hostile agent file can put in a note', () => {
  it('escapes control and bidi characters in names, dropped tools and parser messages', async () => {
    const messages = await Promise.all(
      [
        '---\nname: "evil\\e[2J\\u202e"\ndescription: x\n---\n',
        '---\nname: ok\ndescription: x\ntools: "Read, Bad\\u202eName, \\e]0;pwned\\a"\n---\n',
        '---\nname: ok\ndescription: x\n\u001b[2J: [\n---\n',
      ].map(async (text) => {
        const parsed = await parse(text);
        return 'error' in parsed ? parsed.error : parsed.notes.join('\n');
      }),
    );
    expect(messages[0]).toContain('name "evil\\u001b[2J\\u202e" is not');
    expect(messages[1]).toContain('dropped unknown tools "Bad\\u202eName", "\\u001b]0;pwned\\u0007"');
    for (const message of messages) expect(message).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
  });
});

describe('the agents in effect', () => {
  it('leaves a malformed file out with one line naming it, and loads every other', async () => {
    const set = await buildAgentSet(
      [
        file('good', '---\nname: good\ndescription: Works\n---\nGo.'),
        file('broken', '---\nname: broken\ndescription: [oops\n---\n'),
        file('other', '---\ndescription: Named by its file\n---\nGo.'),
      ],
      pathOf,
    );
    expect(set.agents.map((agent) => agent.name)).toEqual(['good', 'other']);
    expect(set.notes).toHaveLength(1);
    expect(set.notes[0]).toMatch(/^ignoring agent ~\/\.config\/shoal\/agents\/broken\.md: front matter is not valid YAML: [^\n]+$/);
  });

  it("lets a project agent override the user's of the same name", async () => {
    const set = await buildAgentSet(
      [file('helper', '---\nname: helper\ndescription: Project helper\n---\nP', 'project'), file('helper', '---\nname: helper\ndescription: My helper\n---\nU', 'user')],
      pathOf,
    );
    expect(set.agents).toMatchObject([{ name: 'helper', description: 'Project helper', source: 'project', path: '.shoal/agents/helper.md' }]);
  });
});
