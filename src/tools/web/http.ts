import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { ResolvedAddress, WebNetwork } from './address';

/** A response's head, and its body still unread. */
export interface PinnedResponse {
  status: number;
  statusText: string;
  headers: IncomingMessage['headers'];
  /** Reads the body (decompressed) up to `maxBytes`; past that it stops reading and says so. */
  readBody(maxBytes: number): Promise<{ bytes: Buffer; isCut: boolean }>;
  /** Drops the body unread and closes the socket. */
  close(): void;
}

const HEADERS = {
  'user-agent': 'shoal-web-fetch/1 (a terminal coding agent)',
  accept: 'text/html,application/xhtml+xml,text/markdown,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5',
  'accept-encoding': 'gzip, deflate, br',
};

/**
 * Sends one GET for `url` to exactly `address` (already checked): the socket
 * never resolves the name again, so DNS rebinding between check and connect
 * cannot move it. TLS still verifies the certificate against the URL's host.
 * Redirects are not followed; the caller checks each hop.
 */
export function requestPinned(options: { url: URL; address: ResolvedAddress; network: WebNetwork; signal: AbortSignal }): Promise<PinnedResponse> {
  const { url, signal } = options;
  const connectTo = options.network.routeTo?.(options.address.address) ?? options.address.address;
  const family = connectTo.includes(':') ? 6 : 4;
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
    if (lookupOptions.all) (callback as unknown as (error: null, addresses: ResolvedAddress[]) => void)(null, [{ address: connectTo, family }]);
    else callback(null, connectTo, family);
  };
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'GET', headers: HEADERS, lookup: pinned, signal, agent: false }, (response) => {
      // Errors after the head (an abort, a reset) reach the body's reader; unheard, they would crash shoal.
      response.on('error', () => {});
      resolve({
        status: response.statusCode ?? 0,
        statusText: response.statusMessage ?? '',
        headers: response.headers,
        readBody: (maxBytes) => readCapped(response, maxBytes, signal),
        close: () => response.destroy(),
      });
    });
    // `on`, not `once`: an abort after the head can fire a second error, which must not go unheard.
    request.on('error', reject);
    request.end();
  });
}

/** The body decompressed as its `content-encoding` says, or an error naming an encoding shoal cannot read. */
function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
    : encoding === 'deflate' ? zlib.createInflate()
    : encoding === 'br' ? zlib.createBrotliDecompress()
    : undefined;
  if (encoding === 'identity' || encoding === '') return response;
  if (!decoder) {
    response.destroy();
    throw new Error(`The server sent the page with content-encoding "${encoding.slice(0, 40)}", which web_fetch cannot decode.`);
  }
  return pipeline(response, decoder, () => {});
}

// Counted after decompression, so a small compressed bomb stops at the same cap.
async function readCapped(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<{ bytes: Buffer; isCut: boolean }> {
  const body = decoded(response);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      signal.throwIfAborted();
      const buffer = chunk as Buffer;
      if (total + buffer.length > maxBytes) {
        chunks.push(buffer.subarray(0, maxBytes - total));
        return { bytes: Buffer.concat(chunks), isCut: true };
      }
      chunks.push(buffer);
      total += buffer.length;
    }
  } finally {
    body.destroy();
    response.destroy();
  }
  signal.throwIfAborted();
  return { bytes: Buffer.concat(chunks), isCut: false };
}
