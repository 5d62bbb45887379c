import { capLines, formatBytes } from '../output-cap';

/** Most bytes of one MCP result sent to the model, as for a command's output. */
export const MCP_OUTPUT_MAX_BYTES = 30_000;

/** One content item of an MCP tool result, as loosely as servers send it. */
interface ContentItem {
  type: string;
  text?: unknown;
  data?: unknown;
  mimeType?: unknown;
  uri?: unknown;
  name?: unknown;
  resource?: { uri?: unknown; mimeType?: unknown; text?: unknown; blob?: unknown };
}

/** An MCP `tools/call` result: content items, maybe structured content, maybe an error flag. */
export interface McpCallResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
}

/**
 * The text the model gets for an MCP result: text items joined, images, audio
 * and resources as a short description ("[image/png, 34 KiB]"), structured
 * content as JSON when there is nothing else; cut at `MCP_OUTPUT_MAX_BYTES`.
 */
export function formatMcpResult(result: McpCallResult): { text: string; isError: boolean } {
  const items = Array.isArray(result.content) ? (result.content as ContentItem[]) : [];
  const parts = items.map(describeItem);
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent) ?? '');
  const joined = parts.join('\n') || '(no output)';
  const capped = capLines(joined.split('\n'), { maxLines: Infinity, maxBytes: MCP_OUTPUT_MAX_BYTES });
  const text = capped.cutBy ? `${capped.lines.join('\n')}\n[Output cut at ${formatBytes(MCP_OUTPUT_MAX_BYTES)}: ask the tool for less, e.g. a narrower query.]` : joined;
  return { text, isError: result.isError === true };
}

function describeItem(item: ContentItem): string {
  switch (item?.type) {
    case 'text':
      return String(item.text ?? '');
    case 'image':
    case 'audio':
      return `[${item.type} ${describeMedia(item.mimeType, item.data)}]`;
    case 'resource_link':
      return `[resource link ${String(item.name ?? '')} ${String(item.uri ?? '')}]`.replace(/ +\]/, ']');
    case 'resource': {
      const resource = item.resource ?? {};
      const body = typeof resource.text === 'string' ? resource.text : resource.blob;
      return `[resource ${String(resource.uri ?? '')}, ${describeMedia(resource.mimeType, body)}]`;
    }
    default:
      return `[${String(item?.type ?? 'unknown')} content]`;
  }
}

/** "image/png, 34 KiB": the MIME type and the decoded size of base64 data (or a text's length). */
function describeMedia(mimeType: unknown, data: unknown): string {
  const type = typeof mimeType === 'string' && mimeType ? mimeType : 'unknown type';
  if (typeof data !== 'string') return type;
  return `${type}, ${formatBytes(Math.floor((data.replace(/=+$/, '').length * 3) / 4))}`;
}
