import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempWorkspace } from '../helpers/temp-workspace';
import { createCheckpointFixture } from './checkpoint-fixture';

describe('checkpoint availability', () => {
  it('is off, with one line saying why, when git is not on PATH; every call says the same', async () => {
    const emptyBin = await createTempWorkspace();
    const { store } = await createCheckpointFixture({ 'a.txt': 'a\n' }, { env: { PATH: emptyBin } });
    const reason = 'git is not installed (not found on PATH)';
    expect(await store.availability()).toEqual({ isAvailable: false, reason });
    expect(await store.take('turn 1')).toEqual({ ok: false, error: reason });
    expect(await store.list()).toEqual({ ok: false, error: reason });
    expect(await store.restore('0123456789012345678901234567890123456789')).toEqual({ ok: false, error: reason });
  });

  it('is off for a git older than the store needs', async () => {
    const bin = await createTempWorkspace();
    await writeFile(path.join(bin, 'git'), '#!/bin/sh\necho "git version 2.17.1"\n');
    await chmod(path.join(bin, 'git'), 0o755);
    const { store } = await createCheckpointFixture({}, { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(await store.availability()).toEqual({ isAvailable: false, reason: 'git 2.17.1 is older than 2.25, which checkpoints need' });
  });

  it('is off for a session id that cannot name a ref, a workspace that is gone, or a state folder it cannot write', async () => {
    const { workspace, reopen } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    expect(await reopen({ sessionId: '../escape' }).availability()).toEqual({ isAvailable: false, reason: '"../escape" cannot name a session\'s checkpoints' });
    expect(await reopen({ workspace: path.join(workspace, 'missing') }).availability()).toEqual({
      isAvailable: false,
      reason: `the workspace ${path.join(workspace, 'missing')} is not a folder`,
    });
    const notAFolder = path.join(workspace, 'a.txt');
    const availability = await reopen({ stateDir: notAFolder }).availability();
    expect(availability.isAvailable).toBe(false);
    expect(!availability.isAvailable && availability.reason).toMatch(/^could not prepare the checkpoint store in .*: ENOTDIR/);
  });

  it('is on where git is, and creating a store does no work until it is asked', async () => {
    const { store, stateDir } = await createCheckpointFixture({ 'a.txt': 'a\n' });
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(stateDir)).toEqual([]);
    expect(await store.availability()).toEqual({ isAvailable: true });
    expect(await readdir(stateDir)).toEqual(['checkpoints']);
  });
});
