// The entry of a web page conversion thread: HTML to markdown off shoal's own
// thread, so a large page never freezes the TUI and Esc can stop it. Loaded by
// Node itself when tests run from source: relative imports carry their .ts extension.
import { parentPort, workerData } from 'node:worker_threads';
import { htmlToMarkdown } from './html-to-markdown.ts';

const { html, url } = workerData as { html: string; url: string };
parentPort!.postMessage(htmlToMarkdown(html, url));
