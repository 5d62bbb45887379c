// Zod-free, so the CLI's flag parsing can use it without loading the settings schema.

/** The built-in tools a user may let run without asking (`--allow`, `allowedTools`). */
export const ALLOWABLE_TOOLS = ['write_file', 'update_file', 'apply_patch', 'bash', 'web_fetch'] as const;

/** An MCP server's tool as the model sees it (`mcp__server__tool`); the same rule as the tools' own names. */
export const MCP_TOOL_NAME = /^mcp__[A-Za-z0-9_-]{1,59}$/;
