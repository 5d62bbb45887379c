import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHookRunner } from '../../src/hooks/runner';
import { writeHookScripts } from '../helpers/hook-scripts';
import { createTempWorkspace } from '../helpers/temp-workspace';

const session = () => ({ sessionId: 's', transcriptPath: '' });

describe('createHookRunner', () => {
  it('runs the matching hooks of an event in parallel, once per command, and the strictest decision wins', async () => {
    const cwd = await createTempWorkspace();
    const scripts = await writeHookScripts(cwd, {
      'allow.sh': 'cat > /dev/null\nsleep 1\necho \'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}\'',
      'deny.sh': 'cat > /dev/null\nsleep 1\necho \'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no"}}\'',
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
    const started = performance.now();
    const outcome = await hooks.run('PreToolUse', { tool_name: 'bash', tool_input: {} }, { matchOn: 'bash' });
    expect(performance.now() - started).toBeLessThan(1900);
    expect(outcome.verdicts.map((verdict) => path.basename(verdict.command))).toEqual(['allow.sh', 'deny.sh']);
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
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcome.verdicts[0]).toMatchObject({ status: 'error', display: 'killed by a signal' });
  });
});
