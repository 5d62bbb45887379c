import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallView } from '../../../src/state/types';
import { ApprovalPrompt } from '../../../src/ui/approval/ApprovalPrompt';
import { mcpEventText, mcpText, parseSlashCommand } from '../../../src/ui/commands/commands';

afterEach(() => cleanup());

const HOSTILE = 'a\u001b[2J\u001b]0;pwned\u0007b\u202e';

describe('MCP in the TUI', () => {
  it('asks about an MCP write with server, tool and the whole input, escaped', () => {
    const input = { title: HOSTILE, body: 'x'.repeat(300) };
    const call: CallView = {
      key: 'main:c1', toolCallId: 'c1', toolName: 'mcp__gh__create_issue', agentId: 'main', input, step: 1, status: 'awaiting-approval', description: '',
      preview: { type: 'tool-input', server: 'gh', tool: `create${HOSTILE}`, input },
    };
    const { lastFrame } = render(<ApprovalPrompt call={call} maxDiffLines={40} width={80} onAnswer={() => {}} onDenyAndStop={() => {}} />);
    const frame = lastFrame()!;
    expect(frame).toContain('Run createa\\e[2J\\e]0;pwned\\x07b\\u{202e} on MCP server gh?');
    expect(frame).toContain('"title": "a\\u001b[2J\\u001b]0;pwned');
    expect(frame).not.toMatch(/\u001b\[2J|\u0007|\u202e/);
    // The whole body is there, wrapped rather than cut.
    expect(frame.replace(/[\s│╭╮╰╯─]/g, '')).toContain('x'.repeat(300));
    expect(frame).toContain('allow mcp__gh__create_issue this session');
  });

  it('/mcp lists each server’s state and tools, escaping what servers and config chose', () => {
    expect(parseSlashCommand('/mcp')).toEqual({ type: 'mcp' });
    const text = mcpText([
      { name: 'gh', target: 'npx gh', state: { status: 'ready' }, tools: [{ name: 'mcp__gh__list', serverName: 'list', isReadOnly: true }, { name: 'mcp__gh__x_y', serverName: `x${HOSTILE}`, isReadOnly: false }] },
      { name: 'bad', target: 'node bad.js', state: { status: 'failed', reason: `exited ${HOSTILE}` }, tools: [] },
      { name: 'slow', target: 'https://example.com/mcp', state: { status: 'starting' }, tools: [] },
    ]);
    expect(text).toContain('gh  ready, 2 tools  (npx gh)');
    expect(text).toContain('mcp__gh__list  read-only');
    expect(text).toContain('mcp__gh__x_y  asks first');
    expect(text).toContain('bad  failed: exited a\\e[2J');
    expect(text).toContain('slow  starting');
    expect(text).not.toMatch(/\u001b|\u0007|\u202e/);
  });

  it('says when a server is ready, fails or changes its tools, escaping what it chose', () => {
    expect(mcpEventText({ type: 'ready', server: 'gh', toolCount: 1 })).toBe('MCP server gh ready: 1 tool (/mcp lists them)');
    expect(mcpEventText({ type: 'tools-changed', server: 'gh', toolCount: 3 })).toBe('MCP server gh changed its tools: 3 tools now (/mcp lists them)');
    expect(mcpEventText({ type: 'failed', server: 'gh', reason: `\${TOKEN} is not set${HOSTILE}` })).toMatch(/^MCP server gh failed: \$\{TOKEN\} is not seta\\e\[2J/);
  });
});
