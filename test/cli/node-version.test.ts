import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { MINIMUM_NODE_MAJOR, unsupportedNodeMessage } from '../../src/cli/node-version';
import { buildCliForTest } from '../helpers/built-cli';

let cli: string;

beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

/** A Node binary older than shoal supports on this machine (the image's system Node is 20), if any. */
function findOldNode(): string | undefined {
  const listed = (() => {
    try {
      return execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n');
    } catch {
      return [];
    }
  })();
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', ...listed]) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (Number(version.split('.')[0]) < MINIMUM_NODE_MAJOR) return candidate;
  }
  return undefined;
}

describe('the Node version check', () => {
  it('lets Node 22 and newer through and names the version it refuses', () => {
    expect(unsupportedNodeMessage('22.0.0')).toBeUndefined();
    expect(unsupportedNodeMessage('24.21.0')).toBeUndefined();
    expect(unsupportedNodeMessage('30.1.2')).toBeUndefined();
    expect(unsupportedNodeMessage('20.20.2')).toBe(
      'shoal needs Node.js 22 or newer; this is Node.js 20.20.2. Install Node 22 or later (https://nodejs.org, or nvm install 22) and run shoal again.\n',
    );
    expect(unsupportedNodeMessage('21.7.3')).toContain('this is Node.js 21.7.3');
    expect(unsupportedNodeMessage('18.0.0')).toContain('needs Node.js 22 or newer');
  });

  it('stops the built CLI on an older Node with that one line, before the bundle can crash', async () => {
    // The image's Node 20 shows that nothing Node 20 cannot run is loaded first; without one, a faked version shows the message.
    const oldNode = findOldNode();
    const run = oldNode
      ? await execa(oldNode, [cli, '--version'], { reject: false, stdin: 'ignore' })
      : await execa(process.execPath, ['--import', "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.20.2'})", cli, '--version'], {
          reject: false,
          stdin: 'ignore',
        });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^shoal needs Node\.js 22 or newer; this is Node\.js 2\d\.\d+\.\d+\. Install Node 22 or later/);
    expect(run.stderr).not.toContain('is not a function');
  });

  it('runs the CLI as before on this Node', async () => {
    const run = await execa(process.execPath, [cli, '--version'], { reject: false, stdin: 'ignore' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
