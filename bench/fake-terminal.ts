import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

/**
 * A terminal's output side for Ink: a TTY of a fixed size that keeps nothing
 * but counts what is written and lets the bench look at each chunk.
 */
export class FakeStdout extends Writable {
  readonly isTTY = true;
  readonly columns: number;
  readonly rows: number;
  bytes = 0;
  writes = 0;
  /** The tail of the output, for waiting on what the screen shows. */
  tail = '';
  /** Called with every chunk as it is written. */
  onChunk: ((chunk: string) => void) | undefined;

  constructor(size: { columns: number; rows: number }) {
    super({ decodeStrings: false });
    this.columns = size.columns;
    this.rows = size.rows;
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.bytes += Buffer.byteLength(text);
    this.writes += 1;
    this.tail = (this.tail + text).slice(-32_768);
    this.onChunk?.(text);
    callback();
  }
}

/** A terminal's input side for Ink (raw mode, readable events), into which the bench types. */
export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;

  /** Types `text` as one burst of key presses. */
  write(text: string): void {
    this.data = text;
    this.emit('readable');
    this.emit('data', text);
  }

  read(): string | null {
    const { data } = this;
    this.data = null;
    return data;
  }

  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** Polls `predicate` every 10 ms until it holds; throws `what` after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
