import type { JSONSchema7 } from 'ai';
import { z } from 'zod';
import type { ShoalTool } from '../types';
import { mcpToolName } from './names';
import { formatMcpResult, type McpCallResult } from './result';

/** Most characters of a server's tool description sent to the model. */
export const MAX_DESCRIPTION_CHARS = 2000;

/** What a server says about one tool (`tools/list`), as far as shoal uses it. */
export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; title?: string };
}

/**
 * Calls one tool on the server. Contract: rejects with an Error whose message
 * tells the model what happened (server not running, timed out); honours `signal`.
 */
export type CallMcpTool = (request: { tool: string; input: Record<string, unknown>; signal: AbortSignal }) => Promise<McpCallResult>;

// Any object: the server validates its own arguments, against the schema the model was shown.
const lenientInput = z.record(z.string(), z.unknown());

/**
 * Adapts one MCP tool to shoal: named `mcp__server__tool`; a tool whose
 * annotations say `readOnlyHint: true` runs in the read-only batch, any other is
 * a write that asks first, showing the server, the tool and the whole input.
 */
export function createMcpTool(options: { server: string; info: McpToolInfo; call: CallMcpTool }): ShoalTool<Record<string, unknown>> {
  const { server, info } = options;
  const isReadOnly = info.annotations?.readOnlyHint === true;
  const description = `[MCP server ${server}] ${info.description ?? info.annotations?.title ?? info.name}`;
  return {
    name: mcpToolName(server, info.name),
    description: description.length > MAX_DESCRIPTION_CHARS ? `${description.slice(0, MAX_DESCRIPTION_CHARS)}…` : description,
    inputSchema: lenientInput,
    jsonSchema: objectSchema(info.inputSchema),
    kind: isReadOnly ? 'read-only' : 'write',
    describe: (input) => oneLineJson(input),
    async execute(input, context) {
      const result = await options.call({ tool: info.name, input, signal: context.signal });
      const { text, isError } = formatMcpResult(result);
      if (isError) throw new Error(text);
      const lines = text.split('\n').length;
      return { output: text, summary: `${lines} ${lines === 1 ? 'line' : 'lines'}` };
    },
    ...(isReadOnly ? {} : { preview: async (input: Record<string, unknown>) => ({ type: 'tool-input' as const, server, tool: info.name, input }) }),
  };
}

/** The server's input schema, made an object schema if it is not one (some providers refuse anything else). */
function objectSchema(schema: Record<string, unknown> | undefined): JSONSchema7 {
  if (!schema || typeof schema !== 'object' || schema.type !== 'object') return { type: 'object', properties: {} };
  return { ...schema, properties: (schema.properties as JSONSchema7['properties']) ?? {} } as JSONSchema7;
}

function oneLineJson(input: unknown): string {
  const json = JSON.stringify(input) ?? '';
  return json.length > 120 ? `${json.slice(0, 119)}…` : json;
}
