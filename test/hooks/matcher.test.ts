import { describe, expect, it } from 'vitest';
import { matchesName, matchesTool } from '../../src/hooks/matcher';

describe('matchesTool', () => {
  it('matches every tool when the matcher is missing, empty or "*"', () => {
    for (const matcher of [undefined, '', '*', '  ']) expect(matchesTool(matcher, 'mcp__github__create_issue')).toBe(true);
  });

  it('matches a plain list of names exactly, never as a prefix or substring', () => {
    expect(matchesTool('bash|write_file', 'bash')).toBe(true);
    expect(matchesTool('bash|write_file', 'write_file')).toBe(true);
    expect(matchesTool('bash', 'bash_output')).toBe(false);
    expect(matchesTool('file', 'write_file')).toBe(false);
    expect(matchesTool('read_file', 'update_file')).toBe(false);
  });

  it("selects shoal's tools for Claude Code's names in a plain list", () => {
    expect(matchesTool('Edit|Write', 'write_file')).toBe(true);
    expect(matchesTool('Edit|Write', 'update_file')).toBe(true);
    expect(matchesTool('Edit|Write', 'apply_patch')).toBe(true);
    expect(matchesTool('Edit|Write', 'bash')).toBe(false);
    expect(matchesTool('Bash', 'bash')).toBe(true);
    expect(matchesTool('bash', 'Bash')).toBe(false);
  });

  it('treats anything else as an unanchored regular expression', () => {
    expect(matchesTool('mcp__github__.*', 'mcp__github__create_issue')).toBe(true);
    expect(matchesTool('mcp__github__.*', 'mcp__gitlab__create_issue')).toBe(false);
    expect(matchesTool('^(read|grep)', 'read_file')).toBe(true);
    expect(matchesTool('^(read|grep)', 'update_file')).toBe(false);
    expect(matchesTool('_file$', 'write_file')).toBe(true);
  });
});

describe('matchesName', () => {
  it('matches agent types, triggers, sources and reasons with the tool matchers\' rules, without tool aliases', () => {
    for (const matcher of [undefined, '', '*']) expect(matchesName(matcher, 'prompt_input_exit')).toBe(true);
    expect(matchesName('startup|resume', 'resume')).toBe(true);
    expect(matchesName('startup|resume', 'clear')).toBe(false);
    expect(matchesName('research', 'researcher')).toBe(false);
    expect(matchesName('^re', 'research')).toBe(true);
    expect(matchesName('Bash', 'bash')).toBe(false);
  });
});
