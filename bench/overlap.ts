import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { onCleanup } from './cleanup';
import { cleanEnv } from './headless';
import { formatMs, median, now, repeat, sleep, withTempDir } from './measure';
import { deltaEvent, startCompletionsServer, startStream, STREAM_TAIL, streamReply, type Respond } from './openai-server';
import type { Row } from './table';

const CLI = path.resolve('dist/shoal.js');
const SERVER_SCRIPT = path.resolve('bench/timed-mcp-server.mjs');
const RUNS = 5;
const CALLS = 3;
/** How long each MCP call takes. */
const CALL_MS = 500;
/** From the response's start to the first call's arguments completing, and from one call's to the next's. */
const FIRST_CALL_MS = 200;
const APART_MS = 400;
/** Each call's arguments come in this many fragments, this far apart, after a first delta with its name and `""`. */
const FRAGMENTS = 3;
const FRAGMENT_GAP_MS = 30;
/**
 * How long the stream stays open after the last call's arguments. Without
 * it the last call could start only at the stream's end, early start or not,
 * and the figure could not tell the two apart.
 */
const HOLD_MS = 400;
/** A run that takes longer has hung: it is killed and the section fails. */
const RUN_TIMEOUT_MS = 20_000;
const TOOL = 'mcp__timed__lookup';
const ANSWER = 'The three keys hold their values.';

/** What the loopback server saw of one run, on `now()`: the clock shoal stamps its nodes with, and the MCP server its calls. */
interface RunTimes {
  keys: string[];
  /** When the last fragment of each call's arguments was written. */
  argumentsAt: number[];
  /** When the first response's last byte was handed to the socket. */
  streamEndAt?: number;
  /** When the request carrying the calls' results arrived. */
  nextRequestAt?: number;
}

/** One call as bench/timed-mcp-server.mjs logged it. */
interface LoggedCall {
  key: string;
  startedAt: number;
  endedAt: number;
}

/**
 * One run's figures. While the stream stays open less than `CALL_MS` after
 * the last call's arguments, as here, `delayMs` is exactly the sum of the
 * last call's three parts: its start after its arguments, its run beyond
 * `CALL_MS`, and its end to the next request.
 */
interface RunResult {
  /** Next request less (stream end + what was left of the last call's run once the stream ended). */
  delayMs: number;
  /** Next request less stream end. */
  gapMs: number;
  startedEarly: number;
  last: { startLagMs: number; overrunMs: number; toNextRequestMs: number };
}

/** One `data:` event of the first response, `atMs` after it starts; `completes` names the call whose arguments it ends. */
interface PacedEvent {
  atMs: number;
  data: string;
  completes?: number;
}

/**
 * The first response's events: a line of text, then each call as a real
 * server streams it (a first delta with index, id, name and empty arguments,
 * then the arguments in fragments), the calls' arguments completing
 * `APART_MS` apart. The finish chunk comes `HOLD_MS` after the last.
 */
function callEvents(keys: readonly string[]): PacedEvent[] {
  const events: PacedEvent[] = [{ atMs: 0, data: deltaEvent({ role: 'assistant', content: 'Looking up the keys.' }) }];
  keys.forEach((key, index) => {
    const completeAt = FIRST_CALL_MS + index * APART_MS;
    const id = `call-${key}`;
    events.push({
      atMs: completeAt - FRAGMENTS * FRAGMENT_GAP_MS,
      data: deltaEvent({ tool_calls: [{ index, id, type: 'function', function: { name: TOOL, arguments: '' } }] }),
    });
    fragments(JSON.stringify({ key }), FRAGMENTS).forEach((fragment, part) => {
      events.push({
        atMs: completeAt - (FRAGMENTS - 1 - part) * FRAGMENT_GAP_MS,
        data: deltaEvent({ tool_calls: [{ index, function: { arguments: fragment } }] }),
        ...(part === FRAGMENTS - 1 ? { completes: index } : {}),
      });
    });
  });
  return events;
}

/** `text` cut into `count` nearly equal pieces; only the whole parses as JSON. */
function fragments(text: string, count: number): string[] {
  const size = Math.ceil(text.length / count);
  return Array.from({ length: count }, (_, index) => text.slice(index * size, (index + 1) * size));
}

/** Streams the calls for `times.keys` on time (each event against the response's start, so delays do not add up), stamping what the figure needs. */
async function streamPaced(response: ServerResponse, times: RunTimes): Promise<void> {
  const startedAt = now();
  startStream(response);
  for (const event of callEvents(times.keys)) {
    await sleep(Math.max(0, startedAt + event.atMs - now()));
    if (response.destroyed) return;
    response.write(event.data);
    if (event.completes !== undefined) times.argumentsAt[event.completes] = now();
  }
  await sleep(Math.max(0, Math.max(...times.argumentsAt) + HOLD_MS - now()));
  response.end(deltaEvent({}, 'tool_calls') + STREAM_TAIL, () => (times.streamEndAt = now()));
}

/** Answers a request without tool results with the paced calls, and one carrying all of them with the answer. */
function respondTo(current: () => RunTimes): Respond {
  return ({ body, arrivedAt }, response) => {
    const times = current();
    const answered = times.keys.filter((key) => body.includes(`value of ${key}`));
    if (answered.length === 0) {
      void streamPaced(response, times);
      return true;
    }
    if (answered.length === times.keys.length) times.nextRequestAt ??= arrivedAt;
    streamReply(response, { text: ANSWER });
    return true;
  };
}

/** Runs `shoal -p` once against the paced server and checks it made the three calls and answered. */
async function runShoal(options: { cwd: string; home: string; baseUrl: string }): Promise<void> {
  const child = spawn(
    process.execPath,
    [CLI, '-p', 'look up the three keys', '--cwd', options.cwd, '--base-url', options.baseUrl, '--model', 'bench-model'],
    { cwd: options.cwd, env: cleanEnv(options.home), stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS },
  );
  const stop = onCleanup(() => child.kill('SIGTERM'));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  stop();
  const made = stderr.split('\n').filter((line) => line.startsWith(`✓ ${TOOL}`)).length;
  if (code !== 0 || !stdout.includes(ANSWER) || made !== CALLS) {
    throw new Error(`The run did not make ${CALLS} ${TOOL} calls and answer (exit ${code}, ${made} calls): ${stdout.slice(-300)} ${stderr.slice(-600)}`);
  }
}

/** The calls the MCP server logged for `keys`, in the keys' order. */
function loggedCalls(log: string, keys: readonly string[]): LoggedCall[] {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const calls = lines.map((line) => JSON.parse(line) as LoggedCall);
  return keys.map((key) => {
    const call = calls.find((candidate) => candidate.key === key);
    if (!call) throw new Error(`The MCP server logged no call for ${key}: ${lines.join(' ')}`);
    return call;
  });
}

/**
 * The figure of one run. The last call could start once its arguments were
 * complete; a call started then has `CALL_MS` less what the stream's rest
 * took still to run when the stream ends, so the next request is due then.
 */
function runResult(times: RunTimes, calls: readonly LoggedCall[]): RunResult {
  const { streamEndAt, nextRequestAt } = times;
  if (streamEndAt === undefined || nextRequestAt === undefined) throw new Error('The server saw no stream end or no request with every result.');
  const lastArgumentsAt = times.argumentsAt[CALLS - 1]!;
  const last = calls[CALLS - 1]!;
  const expectedAt = streamEndAt + Math.max(0, CALL_MS - (streamEndAt - lastArgumentsAt));
  return {
    delayMs: nextRequestAt - expectedAt,
    gapMs: nextRequestAt - streamEndAt,
    startedEarly: calls.filter((call) => call.startedAt < streamEndAt).length,
    last: {
      startLagMs: last.startedAt - lastArgumentsAt,
      overrunMs: last.endedAt - last.startedAt - CALL_MS,
      toNextRequestMs: nextRequestAt - last.endedAt,
    },
  };
}

/** A home whose config starts the timed MCP server, logging its calls to `log`. */
async function createHome(dir: string, log: string): Promise<string> {
  const home = path.join(dir, 'home');
  await mkdir(path.join(home, 'config'), { recursive: true });
  const timed = { command: process.execPath, args: [SERVER_SCRIPT], env: { BENCH_CALL_LOG: log, BENCH_CALL_MS: String(CALL_MS) } };
  await writeFile(path.join(home, 'config', 'config.json'), JSON.stringify({ mcpServers: { timed } }));
  return home;
}

/** "0 of 3 in every run", or "2 of 3 (runs: 2, 3, 2, 2, 3)". */
function describeStartedEarly(counts: readonly number[]): string {
  const isSame = counts.every((count) => count === counts[0]);
  return isSame ? `${counts[0]} of ${CALLS} in every run` : `${median(counts)} of ${CALLS} (runs: ${counts.join(', ')})`;
}

/**
 * Tool calls while the response streams: `shoal -p` against a loopback
 * server that streams three calls to a read-only MCP tool (500 ms each),
 * their arguments completing 400 ms apart, and ends the stream 400 ms after
 * the last. Every time is taken by the server or the MCP server on one clock.
 */
export async function measureOverlap(): Promise<Row[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run bench builds it first).`);
  return withTempDir('overlap', async (dir) => {
    const cwd = path.join(dir, 'workspace');
    await mkdir(cwd);
    const log = path.join(dir, 'calls.jsonl');
    const home = await createHome(dir, log);
    let times: RunTimes = { keys: [], argumentsAt: [] };
    const server = await startCompletionsServer(respondTo(() => times));
    try {
      // The first run fills Node's compile cache, as any earlier start on a user's machine has.
      const results = await repeat(RUNS, async (run) => {
        times = { keys: Array.from({ length: CALLS }, (_, call) => `run${run + 1}-key${call}`), argumentsAt: [] };
        await runShoal({ cwd, home, baseUrl: server.baseUrl });
        return runResult(times, loggedCalls(log, times.keys));
      });
      const delay = median(results.map((result) => result.delayMs));
      const gap = median(results.map((result) => result.gapMs));
      // An odd number of runs: the median delay is one run's, whose parts add up to it.
      const { last } = results.find((result) => result.delayMs === delay)!;
      const setup = `${CALLS} MCP reads × ${CALL_MS} ms, arguments ${APART_MS} ms apart, stream ends ${HOLD_MS} ms after the last`;
      return [
        {
          group: 'overlap',
          figure: 'calls while streaming: next request − (stream end + rest of the last call)',
          value: `${formatMs(delay)} (median of ${RUNS}; stream end → next request ${formatMs(gap)}; ${setup})`,
          target: '≤ 50 ms',
          isMet: delay <= 50,
        },
        {
          group: 'overlap',
          figure: 'calls while streaming: calls started before the stream ended',
          value: describeStartedEarly(results.map((result) => result.startedEarly)),
          target: '(report)',
        },
        {
          group: 'overlap',
          figure: 'calls while streaming: the delay, part by part (last call, median run)',
          value: `started ${formatMs(last.startLagMs)} after its arguments + ran ${formatMs(last.overrunMs)} over ${CALL_MS} ms + next request ${formatMs(last.toNextRequestMs)} after its end`,
          target: '(explains the figure)',
        },
      ];
    } finally {
      await server.close();
    }
  });
}
