import { execFileSync } from 'node:child_process';
import { createCheckpointStore, type CheckpointStoreOptions, type Outcome } from '../../src/checkpoints';
import { createTempWorkspace } from '../helpers/temp-workspace';

/** A real temporary workspace holding `files`, a temporary state folder, and a store over both (all removed after the test). */
export async function createCheckpointFixture(files: Record<string, string | Buffer> = {}, options: Partial<CheckpointStoreOptions> = {}) {
  const workspace = await createTempWorkspace(files);
  const stateDir = await createTempWorkspace();
  // A home folder of its own: the global ignore file of whoever runs the tests never decides what is stored.
  const home = await createTempWorkspace();
  const storeOptions: CheckpointStoreOptions = { workspace, stateDir, sessionId: 'session-1', env: { PATH: process.env.PATH, HOME: home }, ...options };
  return {
    workspace,
    stateDir,
    home,
    store: createCheckpointStore(storeOptions),
    /** Another store over the same workspace and state: a restart, or (with another `sessionId`) another session. */
    reopen: (overrides: Partial<CheckpointStoreOptions> = {}) => createCheckpointStore({ ...storeOptions, ...overrides }),
  };
}

/** The value of an outcome that must have succeeded; a failure fails the test with its error line. */
export function must<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got: ${outcome.error}`);
  return outcome;
}

/** Runs a shell command in `cwd`, as the agent's bash tool would edit files. */
export function shell(cwd: string, command: string): void {
  execFileSync('sh', ['-c', command], { cwd, stdio: 'ignore' });
}

/** Runs git against the store's own repository (for fsck and the like), never the workspace's. */
export function shadowGit(gitDir: string, args: string[]): string {
  return execFileSync('git', args, {
    env: { PATH: process.env.PATH, GIT_DIR: gitDir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: gitDir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
