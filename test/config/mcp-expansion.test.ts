import { describe, expect, it } from 'vitest';
import { expandMcpServer, mcpServerVariables } from '../../src/config/mcp-expansion';

const env = { HOST: 'example.com', TOKEN: 'secret-token', EMPTY: '' };

describe('${VAR} expansion in MCP servers', () => {
  it('expands the URL and header values of a remote server, not header names', () => {
    const server = { url: 'https://${HOST}/${PATH_PART:-mcp}', headers: { Authorization: 'Bearer ${TOKEN}', '${TOKEN}': 'x' }, type: 'sse' as const };
    expect(expandMcpServer(server, env)).toEqual({ url: 'https://example.com/mcp', headers: { Authorization: 'Bearer secret-token', '${TOKEN}': 'x' }, type: 'sse' });
  });

  it('uses a variable set to "" rather than its default, as Claude Code does, and leaves $VAR and cwd as written', () => {
    const server = { command: 'run', args: ['${EMPTY:-default}', '$TOKEN', '${UNSET:-a:-b}'], cwd: '${HOST}' };
    expect(expandMcpServer(server, env)).toMatchObject({ args: ['', '$TOKEN', 'a:-b'], cwd: '${HOST}' });
  });

  it('names every unset variable without a default in one line, and never an expanded value', () => {
    expect(() => expandMcpServer({ command: '${A}', env: { X: '${B} ${A}', Y: '${TOKEN}' } }, env)).toThrow(/^\$\{A\}, \$\{B\} are not set$/);
    expect(() => expandMcpServer({ url: '${TOKEN}/mcp' }, env)).toThrow('"url" is not an http or https URL once ${TOKEN} expanded');
    // A value the HTTP client would refuse, quoting it: refused here by name.
    expect(() => expandMcpServer({ url: 'https://a.b/mcp', headers: { Authorization: 'Bearer ${MULTI}' } }, { MULTI: 'secret\r\nX-Evil: 1' })).toThrow(
      /^a header holds a line break or NUL once \$\{MULTI\} expanded$/,
    );
  });

  it('does not take a variable from the environment’s prototype', () => {
    expect(() => expandMcpServer({ command: '${constructor}' }, env)).toThrow('${constructor} is not set');
  });

  it('lists the variables a server reads, once each, for the trust prompt', () => {
    expect(mcpServerVariables({ url: '${BASE:-https://a.b}/mcp', headers: { A: '${TOKEN} ${TOKEN}' } })).toEqual(['BASE', 'TOKEN']);
    expect(mcpServerVariables({ command: 'npx', args: ['-y', 'x'] })).toEqual([]);
  });
});
