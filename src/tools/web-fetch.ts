import { z } from 'zod';
import { formatBytes } from './output-cap';
import type { ApprovalPreview, ShoalTool, ToolResult } from './types';
import type { WebAccess } from './web/access';
import { bareHost, nonPublicReason, privateAddressError, resolveCheckedAddress, systemNetwork, type WebNetwork } from './web/address';
import { decodeBody, kindOfMediaType, mediaType, sniffKind } from './web/decode';
import { convertHtml } from './web/convert';
import type { PinnedResponse } from './web/http';
import { isIP } from 'node:net';


/** HTML past this many characters is cut before conversion: its time grows with the page. */
const MAX_HTML_CHARS = 1024 * 1024;
/** Most characters of markdown returned by default, and at most. */
export const WEB_FETCH_MAX_CHARS = 100_000;
/** Most bytes of a body read (after decompression); the rest of a larger page is never downloaded. */
export const WEB_FETCH_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** How long one fetch, redirects and body included, may take. */
export const WEB_FETCH_TIMEOUT_MS = 20_000;
/** Most redirects followed in one fetch. */
export const WEB_FETCH_MAX_REDIRECTS = 5;

/** Input of the `web_fetch` tool. */
export const webFetchInput = z.object({
  url: z.string().min(1).max(8192).describe('One absolute http:// or https:// URL.'),
  maxChars: z
    .int()
    .min(1000)
    .max(WEB_FETCH_MAX_CHARS)
    .optional()
    .describe(`Most characters of the page to return (default and most ${WEB_FETCH_MAX_CHARS}).`),
});
/** Input of the `web_fetch` tool. */
export type WebFetchInput = z.infer<typeof webFetchInput>;

/** What web_fetch is built with. */
export interface WebFetchOptions {
  /** The session's allowed domains and private-address setting, shared with the approval policy. */
  access: WebAccess;
  /**
   * False for research sub-agents, which nobody can be asked for: every call
   * is read-only, and a domain that is not allowed is refused with a message
   * telling the agent to leave the fetch to the main agent.
   */
  isAskingPossible?: boolean;
  network?: WebNetwork;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * `web_fetch`: one http(s) page as markdown (HTML through Readability and
 * turndown), or a text file as it is. The first fetch of a domain runs as a
 * gated call, since a URL can carry data out; an allowed domain's fetches are
 * reads. Private, loopback and link-local addresses are refused (unless
 * allowed) for the URL and every redirect, and the socket connects to exactly the address checked.
 */
export function createWebFetchTool(options: WebFetchOptions): ShoalTool<WebFetchInput> {
  const isAskingPossible = options.isAskingPossible ?? true;
  return {
    name: 'web_fetch',
    kind: isAskingPossible ? 'write' : 'read-only',
    kindOf: (input) => (!isAskingPossible || isAllowedUrl(options.access, input.url) ? 'read-only' : 'write'),
    description: [
      'Fetch one http(s) URL and return it as markdown (a page\'s main text with its title, headings, code blocks and links), or a text file as it is.',
      'Binary files (images, PDFs, archives) are refused. Anything in the URL is sent to its server: never put secrets or code from the workspace in it.',
      isAskingPossible
        ? 'The first fetch of a domain asks the user; domains they allowed run with the other reads.'
        : 'You may fetch only domains the user has already allowed; for any other, name the URL in your report so the main agent can fetch it.',
    ].join(' '),
    inputSchema: webFetchInput,
    describe: (input) => displayUrl(input.url),
    async preview(input): Promise<ApprovalPreview> {
      // No DNS here: a lookup of "secret.attacker.example" would send data out before the user says yes.
      const url = parseFetchUrl(input.url);
      refuseLiteralPrivate(url, options.access.isPrivateAllowed);
      return { type: 'fetch', url: url.href, host: url.hostname };
    },
    execute: (input, context) => fetchPage({ ...options, isAskingPossible, input, signal: context.signal }),
  };
}

/** True when `rawUrl` parses and its host is allowed: its fetch needs no approval. */
function isAllowedUrl(access: WebAccess, rawUrl: string): boolean {
  try {
    return access.isAllowed(parseFetchUrl(rawUrl).hostname);
  } catch {
    return false;
  }
}

/**
 * `raw` as a URL web_fetch may request: http or https, with a host, and no
 * user name or password (credentials are never sent, so they never leave in a URL either).
 */
export function parseFetchUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`${JSON.stringify(raw.slice(0, 200))} is not a URL; give an absolute http:// or https:// URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`web_fetch fetches http and https URLs only, not ${url.protocol.slice(0, 20)}; give an http:// or https:// URL.`);
  }
  if (url.username || url.password) {
    throw new Error('The URL holds a user name or password; web_fetch never sends credentials. Fetch a public URL without them.');
  }
  return url;
}

function displayUrl(raw: string): string {
  try {
    return parseFetchUrl(raw).href;
  } catch {
    return raw;
  }
}

function refuseLiteralPrivate(url: URL, isPrivateAllowed: boolean): void {
  const host = bareHost(url);
  if (isPrivateAllowed || isIP(host) === 0) return;
  const reason = nonPublicReason(host);
  if (reason !== undefined) throw privateAddressError({ url: url.href, address: host, reason });
}

async function fetchPage(options: WebFetchOptions & { isAskingPossible: boolean; input: WebFetchInput; signal: AbortSignal }): Promise<ToolResult> {
  const timeoutMs = options.timeoutMs ?? WEB_FETCH_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const network = options.network ?? systemNetwork;
  const requested = parseFetchUrl(options.input.url);
  if (!options.isAskingPossible && !options.access.isAllowed(requested.hostname)) {
    throw new Error(
      `${requested.hostname} is not a domain the user allowed, and a research agent cannot ask. Do not fetch it another way; ` +
        `name ${requested.href} in your report so the main agent can fetch it (the user will be asked).`,
    );
  }
  try {
    return await followRedirects({ ...options, network, requested, signal });
  } catch (error) {
    // Node reports an aborted socket as "aborted"; the signal's reason says who stopped it.
    if (options.signal.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new Error(`${requested.href} did not finish within ${timeoutMs / 1000} s; try again later, or a smaller page.`);
    }
    throw error;
  }
}

async function followRedirects(options: WebFetchOptions & { input: WebFetchInput; network: WebNetwork; requested: URL; signal: AbortSignal }): Promise<ToolResult> {
  const { access, network, signal } = options;
  const hops: string[] = [];
  let url = options.requested;
  for (;;) {
    const address = await resolveCheckedAddress({ url, network, isPrivateAllowed: access.isPrivateAllowed, signal });
    // Loaded on the first fetch: importing node:http builds its ESM facade, which loads undici (tens of ms before the first frame).
    const { requestPinned } = await import('./web/http');
    const response = await requestPinned({ url, address, network, signal });
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.status) || location === undefined) {
      return await readPage({ ...options, url, response, hops });
    }
    response.close();
    if (hops.length >= WEB_FETCH_MAX_REDIRECTS) {
      throw new Error(`${options.requested.href} redirected more than ${WEB_FETCH_MAX_REDIRECTS} times; it may loop. Try the final URL directly if you know it.`);
    }
    const next = parseRedirect(location, url);
    hops.push(url.href);
    // A redirect to another host that is not allowed is where an open redirect would carry data: the model asks for it itself.
    if (next.hostname !== url.hostname && !access.isAllowed(next.hostname)) {
      const output = `[${url.href} redirects to ${next.href}, on another host that has not been allowed. To read it, call web_fetch with that URL.]`;
      return { output, summary: `redirect to ${next.hostname}` };
    }
    refuseLiteralPrivate(next, access.isPrivateAllowed);
    url = next;
  }
}

function parseRedirect(location: string, from: URL): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new Error(`${from.href} redirected to an address that is not a URL; the site is broken, try another source.`);
  }
  return parseFetchUrl(next.href);
}

async function readPage(options: {
  input: WebFetchInput;
  signal: AbortSignal;
  requested: URL;
  url: URL;
  hops: string[];
  maxBodyBytes?: number;
  response: PinnedResponse;
}): Promise<ToolResult> {
  const { response, url } = options;
  const contentType = firstHeader(response.headers['content-type']);
  if (response.status < 200 || response.status >= 300) {
    response.close();
    const reason = response.status === 404 ? 'Check the URL; do not guess other URLs on this site.' : 'Try again later or another source.';
    // The reason phrase is the server's text: printable ASCII only, short.
    const phrase = response.statusText.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
    throw new Error(`${url.href} answered HTTP ${response.status} ${phrase}. ${reason}`);
  }
  const type = mediaType(contentType);
  const declared = kindOfMediaType(type);
  if (declared === 'binary') {
    response.close();
    throw binaryError(url, type, Number(response.headers['content-length']));
  }
  const maxBodyBytes = options.maxBodyBytes ?? WEB_FETCH_MAX_BODY_BYTES;
  const body = await response.readBody(maxBodyBytes);
  const kind = declared ?? sniffKind(body.bytes);
  if (kind === 'binary') throw binaryError(url, type || 'untyped binary data', body.isCut ? Number.NaN : body.bytes.length);
  const text = decodeBody(body.bytes, { contentType, kind });
  // About 2 s of CPU per MB of HTML, on a thread of its own: a bigger page is cut first.
  const isHtmlCut = kind === 'html' && text.length > MAX_HTML_CHARS;
  const page =
    kind === 'html'
      ? await convertHtml({ html: isHtmlCut ? text.slice(0, MAX_HTML_CHARS) : text, url: url.href, signal: options.signal })
      : { title: '', markdown: text, isArticle: false };

  const notes: string[] = [];
  if (options.hops.length > 0) notes.push(`[Redirected from ${options.hops[0]} to ${url.href}]`);
  if (body.isCut) notes.push(`[Only the first ${formatBytes(maxBodyBytes)} of the page were read]`);
  if (isHtmlCut) notes.push(`[Only the first ${formatBytes(MAX_HTML_CHARS)} of the page's HTML were converted]`);
  if (kind === 'html' && !page.isArticle) notes.push('[No main article found: this is the whole page]');
  const maxChars = options.input.maxChars ?? WEB_FETCH_MAX_CHARS;
  const isCut = page.markdown.length > maxChars;
  const markdown = isCut ? page.markdown.slice(0, maxChars) : page.markdown;
  const head = [page.title ? `# ${page.title}` : undefined, `URL: ${url.href}`, ...notes].filter(Boolean).join('\n');
  const tail = isCut ? `\n\n[Cut at ${maxChars} of ${page.markdown.length} characters; the rest of the page is not shown. A more specific page may hold what you need.]` : '';
  return {
    output: `${head}\n\n${markdown}${tail}`,
    summary: [type || kind, formatBytes(body.bytes.length), options.hops.length > 0 ? `${options.hops.length} redirect(s)` : '', isCut || body.isCut ? 'cut' : '']
      .filter(Boolean)
      .join(', '),
  };
}

function binaryError(url: URL, type: string, size: number): Error {
  const sized = Number.isFinite(size) && size >= 0 ? ` (${formatBytes(size)})` : '';
  return new Error(`${url.href} is ${type}${sized}, not text; web_fetch reads pages and text files. If the user needs this file, ask them to download it.`);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
