import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireSessionLock, createSessionWriter, listSessions, loadSession, openSessionWriter, sessionLockPath } from '../../src/session/sessions';
import { MAX_SESSION_BYTES } from '../../src/session/reader';
import { createTempWorkspace } from '../helpers/temp-workspace';

const lockModule = new URL('../../src/session/lock.ts', import.meta.url).href;

/** A node process that takes the lock with shoal's own code, says so, then waits (or exits when `exitAfter`). */
function lockingChild(lockPath: string, options: { exitAfter?: boolean } = {}) {
  // Node runs the TypeScript source itself; the hook adds the `.ts` our extensionless imports leave out.
  const script = `
    import { registerHooks } from 'node:module';
    registerHooks({ resolve(specifier, context, next) {
      try { return next(specifier, context); } catch (error) {
        if (/^\\.\\.?\\//.test(specifier)) return next(specifier + '.ts', context);
        throw error;
      } } });
    const { acquireSessionLock } = await import(${JSON.stringify(lockModule)});
    const lock = acquireSessionLock(${JSON.stringify(lockPath)});
    console.log(lock.isAcquired ? 'locked' : 'refused');
    ${options.exitAfter ? '' : 'setInterval(() => {}, 1000);'}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const said = new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => resolve(String(chunk).trim()));
    child.on('exit', () => reject(new Error(`child exited without a word: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, said, exited };
}

describe('session locks', () => {
  it('refuses a session another live shoal holds, and takes it over once that process is killed', async () => {
    const dir = await createTempWorkspace();
    const writer = createSessionWriter({ dir, cwd: dir, model: 'm' });
    writer.append({ type: 'prompt', text: 'hello' });
    writer.close();
    const lockPath = sessionLockPath(dir, writer.id)!;
    const { child, said, exited } = lockingChild(lockPath);
    try {
      expect(await said).toBe('locked');
      expect(acquireSessionLock(lockPath)).toEqual({ isAcquired: false, pid: child.pid });
      expect(() => openSessionWriter({ dir, id: writer.id })).toThrow(`Session ${writer.id} is open in another shoal (pid ${child.pid})`);
      child.kill('SIGKILL');
      await exited;
      // Its lock file is still there, naming a dead process: stale, so it is taken over.
      expect(readFileSync(lockPath, 'utf8')).toBe(String(child.pid));
      const reopened = openSessionWriter({ dir, id: writer.id });
      expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
      reopened.close();
      expect(existsSync(lockPath)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is removed when its process exits, and is never seen as a session', async () => {
    const dir = await createTempWorkspace();
    const lockPath = path.join(dir, 'abc.lock');
    const { said, exited } = lockingChild(lockPath, { exitAfter: true });
    expect(await said).toBe('locked');
    await exited;
    expect(existsSync(lockPath)).toBe(false);
    writeFileSync(path.join(dir, 'x.lock'), '1');
    expect(listSessions({ dir })).toEqual([]);
  });
});

describe('what is in the sessions directory', () => {
  it('skips a FIFO named like a session instead of hanging, and refuses to resume it', async () => {
    const dir = await createTempWorkspace();
    const writer = createSessionWriter({ dir, cwd: dir, model: 'm' });
    writer.append({ type: 'prompt', text: 'kept' });
    execFileSync('mkfifo', [path.join(dir, '2099-01-01T00-00-00-000Z-ffffff.jsonl')]);
    expect(listSessions({ dir }).map((session) => session.id)).toEqual([writer.id]);
    expect(() => loadSession({ dir, id: '2099-01-01T00-00-00-000Z-ffffff' })).toThrow('a FIFO, not a regular file; the session cannot be read.');
  });

  it('does not read a session file past the size limit', async () => {
    const dir = await createTempWorkspace();
    const file = path.join(dir, '2099-01-01T00-00-00-000Z-eeeeee.jsonl');
    writeFileSync(file, '');
    // Sparse: the size is there without the disk writes.
    truncateSync(file, MAX_SESSION_BYTES + 1);
    expect(listSessions({ dir })).toEqual([]);
    expect(() => loadSession({ dir, id: '2099-01-01T00-00-00-000Z-eeeeee' })).toThrow('too large to resume; start a new session.');
  });
});
