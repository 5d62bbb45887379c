import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { cleanEnv } from './headless';
import { formatMegabytes, median, withTempDir } from './measure';
import { deltaEvent, startCompletionsServer, startStream, STREAM_TAIL } from './openai-server';
import type { Row } from './table';

const CLI = path.resolve('dist/shoal.js');
const RUNS = 3;
const BIG_BYTES = 4 * 1024 * 1024;
/** Characters of the arguments per event: about four tokens, as providers stream a call's arguments. */
const CHUNK_CHARS = 16;
/** Most the peak of the 4 MB run may pass the floor's: it was 289 MB before the stream kept one reader and the young generation a cap. */
const MAX_EXTRA_BYTES = 160 * 1024 * 1024;
const ANSWER = 'The file is written.';
/** What shoal's compaction asks (src/agent/context/summarise.ts): 4 MB in the history fills bench-model's window. */
const SUMMARY_REQUEST = 'Summarise this conversation';

/** About `bytes` of source-like text: lines of code with quotes, tabs and backslashes that JSON escapes. */
function sourceText(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let line = 0; size < bytes; line++) {
    const text = `\tconst value${line} = "item ${line}\\t" + '${line % 97}'; // line ${line} of a generated file`;
    lines.push(text);
    size += text.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** Streams one write_file call of `content`, its arguments in CHUNK_CHARS pieces, written as fast as the socket takes them. */
async function streamWrite(response: ServerResponse, id: string, content: string): Promise<void> {
  const args = JSON.stringify({ path: 'out.txt', content });
  response.write(deltaEvent({ role: 'assistant', content: '' }));
  response.write(deltaEvent({ tool_calls: [{ index: 0, id, type: 'function', function: { name: 'write_file', arguments: '' } }] }));
  let batch = '';
  for (let start = 0; start < args.length; start += CHUNK_CHARS) {
    batch += deltaEvent({ tool_calls: [{ index: 0, function: { arguments: args.slice(start, start + CHUNK_CHARS) } }] });
    if (batch.length < 64 * 1024) continue;
    if (!response.write(batch)) await new Promise((resolve) => response.once('drain', resolve));
    batch = '';
  }
  response.write(`${batch}${deltaEvent({}, 'tool_calls')}`);
  response.end(STREAM_TAIL);
}

/** A server answering the first request with a write_file of `content` and the next with the answer; summaries apart. */
function startServer(content: string) {
  return startCompletionsServer(({ body }, response, index) => {
    startStream(response);
    const isSummary = body.includes(SUMMARY_REQUEST);
    if (!isSummary && index === 0) {
      void streamWrite(response, `call-${index}`, content);
      return true;
    }
    response.write(deltaEvent({ role: 'assistant', content: isSummary ? '## Goal\nWrite out.txt.' : ANSWER }));
    response.write(deltaEvent({}, 'stop'));
    response.end(STREAM_TAIL);
    return !isSummary;
  });
}

/** Writes the process's peak resident memory (bytes) to BENCH_PEAK_FILE as it exits. */
const PEAK_REPORTER = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.BENCH_PEAK_FILE, String(process.resourceUsage().maxRSS * 1024)));
`;

/** One headless run (`-p`, `--allow write_file`) writing `content` to out.txt: the process's peak RSS in bytes. */
async function runOnce(options: { dir: string; content: string; run: number }): Promise<number> {
  const cwd = path.join(options.dir, `workspace-${options.run}`);
  await mkdir(cwd, { recursive: true });
  const peakFile = path.join(options.dir, `peak-${options.run}`);
  const server = await startServer(options.content);
  try {
    const args = ['-p', 'write out.txt', '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'bench-model', '--allow', 'write_file'];
    const child = spawn(process.execPath, ['--import', path.join(options.dir, 'peak.mjs'), CLI, ...args], {
      cwd,
      env: { ...cleanEnv(path.join(options.dir, 'home')), BENCH_PEAK_FILE: peakFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const written = await stat(path.join(cwd, 'out.txt')).catch(() => undefined);
    if (code !== 0 || !output.includes(ANSWER) || written?.size !== Buffer.byteLength(options.content)) {
      throw new Error(`The write_file run did not write the file and answer (exit ${code}): ${output.slice(-600)}`);
    }
    return Number(await readFile(peakFile, 'utf8'));
  } finally {
    await server.close();
  }
}

/**
 * Peak resident memory of a headless run whose model sends one write_file of
 * 4 MB, against the floor: the same run writing a few bytes (shoal started,
 * two model round trips, one write). Medians of RUNS runs of each, alternated.
 */
export async function measureWriteMemory(): Promise<Row[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run bench builds it first).`);
  return withTempDir('write-memory', async (dir) => {
    await writeFile(path.join(dir, 'peak.mjs'), PEAK_REPORTER);
    const big = sourceText(BIG_BYTES);
    const small = sourceText(100);
    // The first run fills Node's compile cache, as any earlier start on a user's machine has.
    await runOnce({ dir, content: small, run: -1 });
    const peaks: number[] = [];
    const floors: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      floors.push(await runOnce({ dir, content: small, run: run * 2 }));
      peaks.push(await runOnce({ dir, content: big, run: run * 2 + 1 }));
    }
    const peak = median(peaks);
    const floor = median(floors);
    return [
      {
        group: 'write-memory',
        figure: `memory: peak RSS of a headless run writing ${formatMegabytes(BIG_BYTES)} with write_file (arguments in ${CHUNK_CHARS}-character pieces, loopback)`,
        value: `${formatMegabytes(peak)} (floor, a ${small.length}-byte write: ${formatMegabytes(floor)}; median of ${RUNS})`,
        target: `≤ floor + ${formatMegabytes(MAX_EXTRA_BYTES)} (${formatMegabytes(floor + MAX_EXTRA_BYTES)})`,
        isMet: peak <= floor + MAX_EXTRA_BYTES,
      },
    ];
  });
}
