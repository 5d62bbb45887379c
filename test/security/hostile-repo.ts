import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The string that must never reach a tool's output: it stands for the user's API key. */
export const SECRET_MARKER = 'sk-SECRET-MARKER';

/** A repository built to attack shoal, and the user's home it tries to reach. */
export interface HostileRepo {
  /** The workspace root, symlinks resolved. */
  root: string;
  /** A stand-in for the user's home, outside the workspace, holding `.config/shoal/config.json` with SECRET_MARKER. */
  home: string;
  /** The config file's absolute path: through `rootfs` it is `rootfs${secretPath}`. */
  secretPath: string;
  /** Whether `zero-device` is a real device node (needs root) or, failing that, a FIFO standing in for one. */
  isDeviceReal: boolean;
  /** Removes both directories and closes the socket's server. */
  dispose(): Promise<void>;
}

/**
 * Builds the hostile repository: committed symlinks to `/`, to the home
 * directory and to the secret file, to /dev/zero and to nothing; a FIFO, a
 * socket and a device node inside; and a few honest files beside them.
 */
export async function createHostileRepo(): Promise<HostileRepo> {
  const home = await realpath(await mkdtemp(path.join(tmpdir(), 'shoal-home-')));
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'shoal-hostile-')));
  const secretPath = path.join(home, '.config', 'shoal', 'config.json');
  await mkdir(path.dirname(secretPath), { recursive: true });
  await writeFile(secretPath, `{ "apiKey": "${SECRET_MARKER}" }\n`);
  await writeFile(path.join(home, 'notes.txt'), `remember ${SECRET_MARKER}\n`);

  await mkdir(path.join(root, 'src'));
  await writeFile(path.join(root, 'src', 'app.ts'), 'export const apiKey = process.env.KEY;\n');
  await writeFile(path.join(root, 'README.md'), '# honest project\n');
  await symlink('/', path.join(root, 'rootfs'));
  await symlink(home, path.join(root, 'home-link'));
  await symlink(secretPath, path.join(root, 'config-link.json'));
  await symlink('/dev/zero', path.join(root, 'zero'));
  await symlink(path.join(home, 'missing'), path.join(root, 'dangling'));
  execFileSync('mkfifo', [path.join(root, 'pipe.txt')]);
  let isDeviceReal = true;
  try {
    // The same device as /dev/null, but inside the workspace.
    execFileSync('mknod', [path.join(root, 'zero-device'), 'c', '1', '5'], { stdio: 'ignore' });
  } catch {
    // Without root no device node can be made; a FIFO is the closest special file that can.
    isDeviceReal = false;
    execFileSync('mkfifo', [path.join(root, 'zero-device')]);
  }
  const server = await listenOnSocket(path.join(root, 'socket.sock'));

  return {
    root,
    home,
    secretPath,
    isDeviceReal,
    async dispose() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([root, home].map((directory) => rm(directory, { recursive: true, force: true })));
    },
  };
}

/** A Unix socket file exists only while something listens on it. */
function listenOnSocket(socketPath: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}
