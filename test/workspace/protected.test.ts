import { describe, expect, it } from 'vitest';
import { protectedReason } from '../../src/workspace/protected';

describe('protectedReason', () => {
  it.each([
    ['.git/config', /core\.fsmonitor/],
    ['.git/hooks/pre-commit', /hooks/],
    ['.git/info/attributes', /git's own data/],
    ['.git', /git's own data/],
    ['.GIT/Config', /git's own data/],
    ['.git./config', /git's own data/],
    ['vendor/lib/.git/hooks/post-checkout', /git's own data/],
    ['.shoal/config.json', /shoal's project settings/],
    ['.shoal/anything/else.txt', /shoal's project settings/],
    ['.husky/pre-commit', /husky/],
    ['.envrc', /direnv/],
    ['services/api/.envrc', /direnv/],
    ['.vscode/settings.json', /VS Code settings/],
    ['.VSCode/Tasks.JSON', /VS Code tasks/],
    ['.idea/workspace.xml', /JetBrains/],
    ['.gitmodules', /submodule/],
    ['.mcp.json', /MCP server/],
  ])('protects %s', (relative, reason) => {
    expect(protectedReason(relative)).toMatch(reason);
  });

  it.each(['src/app.ts', 'docs/git.md', '.gitignore', '.github/workflows/ci.yml', '.vscode/extensions.json', 'notes/.gitkeep', 'my.git/file', 'README.md'])(
    'leaves %s ordinary',
    (relative) => {
      expect(protectedReason(relative)).toBeUndefined();
    },
  );
});
