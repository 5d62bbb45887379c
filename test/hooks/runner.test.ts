import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHookRunner } from '../../src/hooks/runner';
import { writeHookScripts } from '../helpers/hook-scripts';
import { createTempWorkspace } from '../helpers/temp-workspace';

const session = () => ({ sessionId: 's', transcriptPath: '' });

/**
 * A hook's lines that mark it started, then wait (at most 20 s) for `other`
 * to have started: hooks run one after the other never meet, and the first
 * fails. Proves they run side by side without timing them.
 */
const meetAt = (self: string, other: string) =>
  `touch ${self}.started\nfor i in $(seq 400); do [ -e ${other}.started ] && break; sleep 0.05; done\n[ -e ${other}.started ] || exit 7`;

describe('createHookRunner', () => {
  it('runs the matching hooks of an event in parallel, once per command, and the strictest decision wins', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, {
      'allow.sh': `cat > /dev/null\n${meetAt('allow', 'deny')}\necho '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'`,
      'deny.sh': `cat > /dev/null\n${meetAt('deny', 'allow')}\necho '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no"}}'`,
    });
    const hooks = createHookRunner({
      cwd,
      session,
      hooks: {
        PreToolUse: [
          { matcher: 'bash', hooks: [{ type: 'command', command: scripts['allow.sh']! }] },
          { matcher: '.*', hooks: [{ type: 'command', command: scripts['deny.sh']! }, { type: 'command', command: scripts['allow.sh']! }] },
          { matcher: 'read_file', hooks: [{ type: 'command', command: 'exit 3' }] },
        ],
      },
    });
    const outcome = await hooks.run('PreToolUse', { tool_name: 'bash', tool_input: {} }, { matchOn: 'bash' });
    expect(outcome.verdicts.map((verdict) => [path.basename(verdict.command), verdict.status])).toEqual([['allow.sh', 'ok'], ['deny.sh', 'blocked']]);
    expect(outcome).toMatchObject({ permission: 'deny', permissionReason: 'no', blockReason: 'no' });
  });

  it('answers a hook that cannot start with an error verdict, without hanging', async () => {
    const hooks = createHookRunner({ cwd: '/nonexistent/folder', session, hooks: { Stop: [{ hooks: [{ type: 'command', command: 'true' }] }] } });
    const outcome = await hooks.run('Stop', { stop_hook_active: false });
    expect(outcome.verdicts).toEqual([expect.objectContaining({ status: 'error', display: expect.stringMatching(/^could not start: .*ENOENT/) })]);
    expect(outcome.blockReason).toBeUndefined();
  });

  it('kills a running hook when the signal aborts (the user interrupted)', async () => {
    const cwd = await createTempWorkspace();
    const hooks = createHookRunner({ cwd, session, hooks: { Stop: [{ hooks: [{ type: 'command', command: 'sleep 30' }] }] } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = performance.now();
    const outcome = await hooks.run('Stop', {}, { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(outcome.verdicts[0]).toMatchObject({ status: 'error', display: 'killed by a signal' });
  });
});
