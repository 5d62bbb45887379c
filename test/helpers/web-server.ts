import { createServer, type ServerResponse } from 'node:http';
import type { WebNetwork } from '../../src/tools/web/address';
import { listenOnLoopback } from './loopback';

/** One route of the loopback web server: answers a GET of its path. */
export type WebRoute = (response: ServerResponse, port: number) => void;

/** A loopback HTTP server, the paths it was asked for, and how to reach it. */
export interface WebServer {
  port: number;
  /** The paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `routes` on 127.0.0.1 until the test ends; other paths answer 404. */
export async function startWebServer(routes: Record<string, WebRoute>): Promise<WebServer> {
  const requests: string[] = [];
  // Known once listening; routes read it only when a request arrives.
  let port = 0;
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const route = routes[new URL(request.url ?? '/', 'http://x').pathname];
    if (route) route(response, port);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  const listening = await listenOnLoopback(server);
  port = listening.port;
  return { port, requests, close: listening.close };
}

/** A public address that stands for every `*.example.test` host; `testNetwork` routes it to the loopback server. */
export const PUBLIC_TEST_ADDRESS = '93.184.216.34';

/**
 * The network of the tests: names under `.example.test` resolve to a public
 * address (so the private-address check passes as it would on the internet),
 * and sockets for that address go to 127.0.0.1. Other names fail to resolve;
 * IP literals (127.0.0.1, 169.254.169.254) are checked as they are.
 */
export const testNetwork: WebNetwork = {
  lookup: async (hostname) => {
    if (hostname.endsWith('.example.test')) return [{ address: PUBLIC_TEST_ADDRESS, family: 4 }];
    throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
  },
  routeTo: (address) => (address === PUBLIC_TEST_ADDRESS ? '127.0.0.1' : address),
};
