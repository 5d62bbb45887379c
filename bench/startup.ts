import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import packageJson from '../package.json' with { type: 'json' };
import { formatMegabytes, formatMs, median, sleep, withTempDir } from './measure';
import { startLoopbackServer, type Reply } from './openai-server';
import { inkFloorCommand } from './floors/programs';
import { overFloorRow, pairedRound } from './floors/over-floor';
import { FIRST_FRAME_OVER_INK, IDLE_RSS_OVER_INK_BYTES, VERSION_OVER_BARE_NODE } from './floors/targets';
import { spawnInPty, typeLine } from './pty';
import type { Row } from './table';

const CLI = path.resolve('dist/shoal.js');
// Eleven starts: on a shared 2-core machine a median of seven still flipped verdicts near the targets.
const RUNS = 11;
const SESSION_RUNS = 3;
const GREETING = new RegExp(`shoal ${packageJson.version.replace(/\./g, '\\.')}`);
const RESPONSES = 50;
const CALLS_PER_RESPONSE = 10;
/** Time after the first frame for what start-up defers (the markdown renderer, the local-server probe). */
const SETTLE_MS = 1500;
/** Time after a session's last frame before its memory is read: shoal gives a turn's memory back once the turn has ended. */
const AFTER_SESSION_MS = 500;

/** Milliseconds from spawning `args` (no terminal) to its exit. */
async function timeExit(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  return performance.now() - started;
}

/** Private state and config directories, so no saved session or user config plays a part. */
export function homeEnv(home: string): Record<string, string> {
  return { SHOAL_STATE_DIR: path.join(home, 'state'), SHOAL_CONFIG_DIR: path.join(home, 'config') };
}

/** One start of the TUI with no key (the demo model): first frame, greeting, and memory once idle; bench/mcp.ts uses it too. */
export async function startOnce(cwd: string, home: string): Promise<{ firstFrameMs: number; greetingMs: number; idleBytes: number }> {
  const pty = spawnInPty([process.execPath, CLI, '--cwd', cwd], { cwd, env: homeEnv(home) });
  try {
    // The first frame is the prompt box, whose placeholder reads "Ask shoal…"; the greeting line follows it.
    const firstFrameMs = await pty.waitFor(/shoal/);
    const greetingMs = await pty.waitFor(GREETING);
    await sleep(SETTLE_MS);
    return { firstFrameMs, greetingMs, idleBytes: pty.residentBytes() };
  } finally {
    pty.kill();
  }
}

/**
 * Starts the TUI and quits it with Ctrl+D, as a user ends a session: the
 * normal exit saves Node's compile cache, so the measured starts are a user's
 * second start, not the first after an install.
 */
async function startAndQuit(cwd: string, home: string): Promise<void> {
  const pty = spawnInPty([process.execPath, CLI, '--cwd', cwd], { cwd, env: homeEnv(home) });
  try {
    await pty.waitFor(GREETING);
    pty.type('\x04');
    await pty.waitForExit();
  } finally {
    pty.kill();
  }
}

/** One start of the minimal Ink app in the same kind of terminal: the floor under the first frame and idle memory. */
async function inkFloorOnce(cwd: string): Promise<{ firstFrameMs: number; idleBytes: number }> {
  const pty = spawnInPty(inkFloorCommand(), { cwd, env: {} });
  try {
    const firstFrameMs = await pty.waitFor(/shoal/);
    await sleep(SETTLE_MS);
    return { firstFrameMs, idleBytes: pty.residentBytes() };
  } finally {
    pty.kill();
  }
}

/** The n-th reply: 10 reads of distinct files (no repeated call), and after `RESPONSES` of them, the answer. */
function sessionReply(index: number): Reply {
  if (index >= RESPONSES) return { text: `Read all ${RESPONSES * CALLS_PER_RESPONSE} files; nothing stands out.` };
  return {
    text: `Reading batch ${index + 1}.`,
    toolCalls: Array.from({ length: CALLS_PER_RESPONSE }, (_, call) => {
      const file = index * CALLS_PER_RESPONSE + call;
      return { id: `call-${index}-${call}`, name: 'read_file', arguments: JSON.stringify({ path: `src/file-${file}.ts` }) };
    }),
  };
}

/** A 500-call session in the real TUI over a loopback server: resident memory once it has finished. */
async function sessionOnce(cwd: string, home: string): Promise<{ bytes: number; peakBytes: number; seconds: number }> {
  const server = await startLoopbackServer(sessionReply);
  const pty = spawnInPty(
    [process.execPath, CLI, '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'bench-model', '--max-steps', String(RESPONSES + 10)],
    { cwd, env: homeEnv(home) },
  );
  try {
    // The greeting is written once the app has mounted and reads keys.
    await pty.waitFor(GREETING);
    const started = performance.now();
    await typeLine(pty, 'read every file in src');
    await pty.waitFor(/done in|stopped at|✗/, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const calls = RESPONSES * CALLS_PER_RESPONSE;
    if (server.requests() !== RESPONSES + 1 || !new RegExp(`${calls} tool calls`).test(pty.output())) {
      throw new Error(`The session did not run ${calls} calls in ${RESPONSES + 1} requests (${server.requests()} requests): ${pty.output().slice(-1500)}`);
    }
    await sleep(AFTER_SESSION_MS);
    return { bytes: pty.residentBytes(), peakBytes: pty.peakResidentBytes(), seconds };
  } finally {
    pty.kill();
    await server.close();
  }
}

/**
 * Figure 6: start-up of the built CLI (dist/shoal.js) in a pseudo-terminal,
 * `--version`, and resident memory idle and after a 500-call session.
 */
export async function measureStartup(): Promise<Row[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run bench builds it first).`);
  return withTempDir('startup', async (dir) => {
    const cwd = path.join(dir, 'workspace');
    const home = path.join(dir, 'home');
    await mkdir(path.join(cwd, 'src'), { recursive: true });
    await writeFile(path.join(cwd, 'README.md'), '# Bench workspace\n');
    for (let file = 0; file < RESPONSES * CALLS_PER_RESPONSE; file++) {
      const lines = Array.from({ length: 40 }, (_, line) => `export const value${line} = ${file * 40 + line}; // file ${file}`);
      await writeFile(path.join(cwd, 'src', `file-${file}.ts`), `${lines.join('\n')}\n`);
    }

    const starts: Awaited<ReturnType<typeof startOnce>>[] = [];
    const inkFloors: Awaited<ReturnType<typeof inkFloorOnce>>[] = [];
    const versions: number[] = [];
    const bareExits: number[] = [];
    await timeExit([CLI, '--version']);
    await startAndQuit(cwd, home);
    await inkFloorOnce(cwd);
    for (let round = 0; round < RUNS; round++) {
      const start = await pairedRound(round, () => startOnce(cwd, home), () => inkFloorOnce(cwd));
      starts.push(start.shoal);
      inkFloors.push(start.floor);
      const version = await pairedRound(round, () => timeExit([CLI, '--version']), () => timeExit(['-e', '']));
      versions.push(version.shoal);
      bareExits.push(version.floor);
    }
    const sessions: Awaited<ReturnType<typeof sessionOnce>>[] = [];
    for (let run = 0; run < SESSION_RUNS; run++) sessions.push(await sessionOnce(cwd, home));

    const afterSession = median(sessions.map((session) => session.bytes));
    const inkFirstFrames = inkFloors.map((floor) => floor.firstFrameMs);
    return [
      overFloorRow({
        group: 'startup',
        figure: 'start-up: spawn → first frame (pty, demo model)',
        paired: { values: starts.map((start) => start.firstFrameMs), floors: inkFirstFrames },
        allowed: FIRST_FRAME_OVER_INK * median(inkFirstFrames),
        allowedAs: `${FIRST_FRAME_OVER_INK} × floor`,
        format: formatMs,
        floorName: 'minimal Ink app',
        detail: `greeting ${formatMs(median(starts.map((start) => start.greetingMs)))}`,
      }),
      overFloorRow({
        group: 'startup',
        figure: 'shoal --version',
        paired: { values: versions, floors: bareExits },
        allowed: VERSION_OVER_BARE_NODE * median(bareExits),
        allowedAs: `${VERSION_OVER_BARE_NODE} × floor`,
        format: formatMs,
        floorName: "node -e ''",
      }),
      overFloorRow({
        group: 'startup',
        figure: `memory: RSS idle, ${SETTLE_MS / 1000} s after start`,
        paired: { values: starts.map((start) => start.idleBytes), floors: inkFloors.map((floor) => floor.idleBytes) },
        allowed: IDLE_RSS_OVER_INK_BYTES,
        format: formatMegabytes,
        floorName: 'minimal Ink app',
      }),
      {
        group: 'startup',
        figure: `memory: RSS ${AFTER_SESSION_MS / 1000} s after a ${RESPONSES * CALLS_PER_RESPONSE}-call session (TUI, loopback)`,
        value: `${formatMegabytes(afterSession)} (peak while it ran ${formatMegabytes(median(sessions.map((session) => session.peakBytes)))}; session ${median(sessions.map((session) => session.seconds)).toFixed(1)} s)`,
        target: '< 200 MB',
        isMet: afterSession < 200 * 1024 * 1024,
      },
    ];
  });
}
