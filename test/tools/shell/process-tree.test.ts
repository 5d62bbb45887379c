import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBashTool } from '../../../src/tools/shell/bash';
import { ESCAPING_SLEEPS, markedAlive, readLine } from '../../helpers/processes';
import { createTempWorkspace } from '../../helpers/temp-workspace';

const bashUrl = new URL('../../../src/tools/shell/bash.ts', import.meta.url).href;
// Ink's copy: the signal-exit that shares shoal's process in the TUI.
const signalExitPath = path.resolve(import.meta.dirname, '../../../node_modules/ink/node_modules/signal-exit/index.js');

/**
 * A shoal-like process: runs ESCAPING_SLEEPS through the bash tool (from
 * source) and waits; `sandboxed` picks the real probe or none, `withSignalExit` loads Ink's signal-exit first.
 */
function startShoal(cwd: string, options: { sandboxed: boolean; withSignalExit: boolean }) {
  // Node runs the TypeScript source itself; the hook adds the `.ts` our extensionless imports leave out.
  const script = `
    import { registerHooks, createRequire } from 'node:module';
    registerHooks({ resolve(specifier, context, next) {
      try { return next(specifier, context); } catch (error) {
        if (/^\\.\\.?\\//.test(specifier)) return next(specifier + '.ts', context);
        throw error;
      } } });
    if (${options.withSignalExit}) createRequire(import.meta.url)(${JSON.stringify(signalExitPath)})(() => {});
    const { createBashTool } = await import(${JSON.stringify(bashUrl)});
    const sandbox = ${options.sandboxed} ? undefined : async () => ({ isAvailable: false, note: 'none' });
    const context = { signal: new AbortController().signal, toolCallId: 'c', batchId: 'b', emit() {} };
    await createBashTool({ cwd: process.cwd(), sandbox }).execute({ command: ${JSON.stringify(ESCAPING_SLEEPS)} }, context);
    console.log('command ended on its own');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

const cases = [
  ...(process.platform === 'linux' ? [true, false] : [false]).flatMap((sandboxed) => [
    { sandboxed, signal: 'SIGTERM' as const, withSignalExit: false },
    { sandboxed, signal: 'SIGHUP' as const, withSignalExit: true },
  ]),
];

describe('commands die with shoal', () => {
  it.each(cases)('$signal to shoal (sandboxed: $sandboxed, signal-exit loaded: $withSignalExit) kills every process of the command', async (options) => {
    const cwd = await createTempWorkspace();
    const shoal = startShoal(cwd, options);
    try {
      const marker = path.join(cwd, 'marker');
      await readLine(marker);
      for (let attempt = 0; attempt < 500 && (await markedAlive(marker)).length < 2; attempt++) await delay(20);
      expect((await markedAlive(marker)).length).toBeGreaterThanOrEqual(2);
      shoal.child.kill(options.signal);
      // The signal is not swallowed: shoal still dies of it, the conventional way.
      expect(await shoal.exited, shoal.output()).toEqual({ code: null, signal: options.signal });
      expect(await markedAlive(marker, 1000)).toEqual([]);
    } finally {
      shoal.child.kill('SIGKILL');
    }
  });

  it('catches the stop signals before it spawns a command, and lets them go after', async () => {
    // Until a handler is installed a SIGTERM has its default action: one arriving in the moment after the
    // spawn would end shoal and leave the command running (seen on a loaded machine: 8 runs in 25).
    const cwd = await createTempWorkspace();
    const before = Object.fromEntries((['SIGTERM', 'SIGHUP', 'SIGINT'] as const).map((signal) => [signal, process.listenerCount(signal)]));
    const atSpawn: Record<string, number>[] = [];
    const onSpawn = () => atSpawn.push(Object.fromEntries(Object.keys(before).map((signal) => [signal, process.listenerCount(signal)])));
    diagnosticsChannel.subscribe('child_process', onSpawn);
    try {
      const context = { signal: new AbortController().signal, toolCallId: 'c', batchId: 'b', emit() {} };
      await createBashTool({ cwd, sandbox: async () => ({ isAvailable: false, note: 'none' }) }).execute({ command: 'true' }, context);
    } finally {
      diagnosticsChannel.unsubscribe('child_process', onSpawn);
    }
    expect(atSpawn).toEqual([{ SIGTERM: before.SIGTERM! + 1, SIGHUP: before.SIGHUP! + 1, SIGINT: before.SIGINT! + 1 }]);
    expect(Object.fromEntries(Object.keys(before).map((signal) => [signal, process.listenerCount(signal)]))).toEqual(before);
  });
});
