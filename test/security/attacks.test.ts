import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadOnlyTools } from '../../src/tools';
import { createApplyPatchTool } from '../../src/tools/apply-patch/apply-patch';
import { createGrepTool } from '../../src/tools/grep';
import { isRipgrepAvailable } from '../../src/tools/grep/ripgrep';
import { createRegistry, type ToolRegistry } from '../../src/tools/registry';
import { createUpdateFileTool } from '../../src/tools/update-file';
import { createWriteFileTool } from '../../src/tools/write-file';
import { createHostileRepo, SECRET_MARKER, type HostileRepo } from './hostile-repo';

/**
 * Attacks by a hostile repository (or a model steered by one) on every tool
 * that reads the workspace (write tools through preview: nothing is written). Each row: a tool by registry name, an input, and
 * what must come of it. Whatever the row, no output or error may carry the
 * secret or a line of the machine's own files, and no call may hang. A new
 * tool joins by being in the registry `registryFor` builds and adding rows.
 */

/** Far below the 20 s test timeout: a FIFO that blocks, or a walk of the whole machine, fails here. */
const ROW_TIME_LIMIT_MS = 5000;
/** A line of /etc/passwd: the machine's own files must not show through `rootfs`. */
const MACHINE_FILE_LINE = 'root:x:0:0';

const OUTSIDE = /is outside the workspace/;
const PATTERN_OUTSIDE = /leads outside the workspace .*does not follow symlinks out of the workspace/;
const PATTERN_ESCAPE = /must stay inside path: no leading "\/" and no "\.\."/;
const NUL = /contains a NUL byte/;
const FIFO = /is a FIFO, not a regular file/;

type Expectation =
  /** The call fails with this message. */
  | { refused: RegExp | ((repo: HostileRepo) => RegExp) }
  /** The call succeeds; its output matches. */
  | { shows: RegExp }
  /** Anything but outside content: success or a refusal. */
  | { absent: true };

interface AttackRow {
  name: string;
  /** The tool's registry name. */
  tool: string;
  input: (repo: HostileRepo) => Record<string, unknown>;
  expect: Expectation;
  /** Strings that must not appear in the outcome, beside the secret and the machine's files. */
  mustNotShow?: string[];
  /** Run against one grep backend only (its notes differ); default: every available backend. */
  backend?: GrepBackend;
  /** Write tools are attacked through `preview`, which reads what it would change and never writes. */
  call?: 'execute' | 'preview';
}

type GrepBackend = 'builtin' | 'ripgrep';

const patch = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;
const throughRoot = (repo: HostileRepo, relative: string) => `rootfs${path.join(repo.home, relative)}`;
const homeName = (repo: HostileRepo) => path.basename(repo.home);

const rows: AttackRow[] = [
  // A committed `rootfs -> /`: patterns whose fixed prefix goes through it.
  { name: 'grep include rootfs/etc/*', tool: 'grep', input: () => ({ pattern: '.', include: 'rootfs/etc/*' }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'grep include through rootfs to the secret', tool: 'grep', input: (repo) => ({ pattern: 'sk-', include: throughRoot(repo, '.config/shoal/*') }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'grep include ./rootfs/** prefix', tool: 'grep', input: (repo) => ({ pattern: 'sk-', include: `./${throughRoot(repo, '**')}` }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'grep include brace with one branch through rootfs', tool: 'grep', input: (repo) => ({ pattern: 'sk-', include: `{src/*.ts,${throughRoot(repo, '.config/**')}}` }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'grep path rootfs/etc', tool: 'grep', input: () => ({ pattern: 'root', path: 'rootfs/etc' }), expect: { refused: OUTSIDE } },
  { name: 'grep path through rootfs to the home', tool: 'grep', input: (repo) => ({ pattern: 'sk-', path: throughRoot(repo, '') }), expect: { refused: OUTSIDE } },
  { name: 'glob rootfs/etc/host*', tool: 'glob', input: () => ({ pattern: 'rootfs/etc/host*' }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'glob rootfs/**/hostname', tool: 'glob', input: () => ({ pattern: 'rootfs/**/hostname' }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'glob ./rootfs/**', tool: 'glob', input: () => ({ pattern: './rootfs/**' }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'glob static path through rootfs to the secret', tool: 'glob', input: (repo) => ({ pattern: throughRoot(repo, '.config/shoal/config.json') }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'glob brace with one branch through rootfs', tool: 'glob', input: () => ({ pattern: '{src/*,rootfs/etc/*}' }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'glob rootfs/../rootfs/etc/hostname', tool: 'glob', input: () => ({ pattern: 'rootfs/../rootfs/etc/hostname' }), expect: { refused: PATTERN_ESCAPE } },
  { name: 'glob **/hostname does not enter rootfs', tool: 'glob', input: () => ({ pattern: '**/hostname' }), expect: { shows: /^No files match/ }, mustNotShow: ['rootfs/'] },
  { name: 'glob **/config.json does not enter rootfs or home-link', tool: 'glob', input: () => ({ pattern: '**/config.json' }), expect: { shows: /^No files match/ } },
  { name: 'read_file rootfs/etc/hostname', tool: 'read_file', input: () => ({ path: 'rootfs/etc/hostname' }), expect: { refused: OUTSIDE } },
  { name: 'read_file through rootfs to the secret', tool: 'read_file', input: (repo) => ({ path: throughRoot(repo, '.config/shoal/config.json') }), expect: { refused: OUTSIDE } },
  { name: 'list_dir rootfs', tool: 'list_dir', input: () => ({ path: 'rootfs' }), expect: { refused: OUTSIDE } },
  { name: 'list_dir rootfs/etc', tool: 'list_dir', input: () => ({ path: 'rootfs/etc' }), expect: { refused: OUTSIDE } },

  // A directory link to the home, and a file link to the secret.
  { name: 'glob home-link/**', tool: 'glob', input: () => ({ pattern: 'home-link/**' }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'glob ** with path home-link', tool: 'glob', input: () => ({ pattern: '**', path: 'home-link' }), expect: { refused: OUTSIDE } },
  { name: 'grep include home-link/.config/**', tool: 'grep', input: () => ({ pattern: 'sk-', include: 'home-link/.config/**' }), expect: { refused: PATTERN_OUTSIDE } },
  { name: 'grep the whole workspace for the secret', tool: 'grep', input: () => ({ pattern: 'SECRET' }), expect: { shows: /^No matches/ } },
  { name: 'grep include *.json (config-link.json is a link)', tool: 'grep', input: () => ({ pattern: 'sk-', include: '*.json' }), expect: { shows: /^No matches/ } },
  { name: 'grep path config-link.json', tool: 'grep', input: () => ({ pattern: 'sk-', path: 'config-link.json' }), expect: { refused: OUTSIDE } },
  { name: 'read_file config-link.json', tool: 'read_file', input: () => ({ path: 'config-link.json' }), expect: { refused: OUTSIDE } },
  { name: 'read_file home-link/notes.txt', tool: 'read_file', input: () => ({ path: 'home-link/notes.txt' }), expect: { refused: OUTSIDE } },
  { name: 'glob config-link.json is not listed', tool: 'glob', input: () => ({ pattern: 'config-link.json' }), expect: { shows: /^No files match config-link\.json\.\n/ } },
  {
    name: 'list_dir marks links out, broken links and special files',
    tool: 'list_dir',
    input: () => ({}),
    expect: {
      shows: new RegExp(
        [
          /config-link\.json -> \S+ \[outside the workspace, not followed\]/,
          /dangling -> \S+ \[broken link\]/,
          /home-link -> \S+ \[outside the workspace, not followed\]/,
          /pipe\.txt \[FIFO, not a regular file\]/,
          /rootfs -> \/ \[outside the workspace, not followed\]/,
          /socket\.sock \[socket, not a regular file\]/,
        ]
          .map((line) => line.source)
          .join('\\n(?:.*\\n)*?'),
      ),
    },
  },

  // FIFOs, sockets and devices, inside and through links.
  { name: 'read_file a FIFO', tool: 'read_file', input: () => ({ path: 'pipe.txt' }), expect: { refused: FIFO } },
  { name: 'read_file a socket', tool: 'read_file', input: () => ({ path: 'socket.sock' }), expect: { refused: /is a socket, not a regular file/ } },
  { name: 'read_file a device node', tool: 'read_file', input: () => ({ path: 'zero-device' }), expect: { refused: (repo) => (repo.isDeviceReal ? /is a device, not a regular file/ : FIFO) } },
  { name: 'read_file a link to /dev/zero', tool: 'read_file', input: () => ({ path: 'zero' }), expect: { refused: OUTSIDE } },
  { name: 'grep path a FIFO', tool: 'grep', input: () => ({ pattern: 'x', path: 'pipe.txt' }), expect: { refused: FIFO } },
  { name: 'grep path a device node', tool: 'grep', input: () => ({ pattern: 'x', path: 'zero-device' }), expect: { refused: /not a regular file; grep searches files and directories only/ } },
  { name: 'grep path a link to /dev/zero', tool: 'grep', input: () => ({ pattern: 'x', path: 'zero' }), expect: { refused: OUTSIDE } },
  {
    name: 'grep over special files names what it skipped',
    tool: 'grep',
    backend: 'builtin',
    input: () => ({ pattern: 'honest' }),
    expect: { shows: /README\.md:1:# honest project\n\[Skipped .*FIFO.* \(.*pipe\.txt.*\): not regular files, so not read\.\]/ },
  },
  { name: 'grep include pipe.txt by name', tool: 'grep', input: () => ({ pattern: 'x', include: 'pipe.txt' }), expect: { absent: true } },
  { name: 'glob lists no special file, with a note', tool: 'glob', input: () => ({ pattern: '*' }), expect: { shows: /^README\.md\n\[Skipped 1 FIFO, 1 socket and 1 (device|FIFO) \(pipe\.txt, socket\.sock, zero-device\): not regular files, so not read\.\]\n/ } },

  // Escapes by name.
  { name: 'read_file .. escape', tool: 'read_file', input: (repo) => ({ path: `../${homeName(repo)}/.config/shoal/config.json` }), expect: { refused: OUTSIDE } },
  { name: 'read_file absolute path outside', tool: 'read_file', input: (repo) => ({ path: repo.secretPath }), expect: { refused: OUTSIDE } },
  { name: 'read_file /etc/passwd', tool: 'read_file', input: () => ({ path: '/etc/passwd' }), expect: { refused: OUTSIDE } },
  { name: 'list_dir the home by absolute path', tool: 'list_dir', input: (repo) => ({ path: repo.home }), expect: { refused: OUTSIDE } },
  { name: 'glob with path .. escape', tool: 'glob', input: (repo) => ({ pattern: '**', path: `../${homeName(repo)}` }), expect: { refused: OUTSIDE } },
  { name: 'glob absolute pattern', tool: 'glob', input: (repo) => ({ pattern: `${repo.home}/**` }), expect: { refused: PATTERN_ESCAPE } },
  { name: 'glob .. in the pattern', tool: 'glob', input: (repo) => ({ pattern: `../${homeName(repo)}/**` }), expect: { refused: PATTERN_ESCAPE } },
  { name: 'grep path absolute outside', tool: 'grep', input: (repo) => ({ pattern: 'sk-', path: repo.home }), expect: { refused: OUTSIDE } },
  { name: 'grep include .. escape', tool: 'grep', input: (repo) => ({ pattern: 'sk-', include: `../${homeName(repo)}/**` }), expect: { refused: PATTERN_ESCAPE } },

  // NUL bytes, which C-level calls would cut the path at.
  { name: 'read_file NUL byte', tool: 'read_file', input: () => ({ path: 'src/app.ts\0../../etc/passwd' }), expect: { refused: NUL } },
  { name: 'list_dir NUL byte', tool: 'list_dir', input: () => ({ path: 'src\0' }), expect: { refused: NUL } },
  { name: 'glob path NUL byte', tool: 'glob', input: () => ({ pattern: '*', path: 'src\0' }), expect: { refused: NUL } },
  { name: 'grep path NUL byte', tool: 'grep', input: () => ({ pattern: 'x', path: 'src\0/../..' }), expect: { refused: NUL } },
  { name: 'glob pattern NUL byte', tool: 'glob', input: () => ({ pattern: 'rootfs\0/etc/*' }), expect: { refused: NUL } },
  { name: 'grep include NUL byte', tool: 'grep', input: () => ({ pattern: 'x', include: 'src/\0*' }), expect: { refused: NUL } },

  // The write tools read the file they would change: the same refusals, through preview.
  { name: 'update_file preview of a FIFO', tool: 'update_file', call: 'preview', input: () => ({ path: 'pipe.txt', old_string: 'a', new_string: 'b' }), expect: { refused: FIFO } },
  { name: 'update_file preview of a socket', tool: 'update_file', call: 'preview', input: () => ({ path: 'socket.sock', old_string: 'a', new_string: 'b' }), expect: { refused: /is a socket, not a regular file/ } },
  { name: 'write_file preview over a device node', tool: 'write_file', call: 'preview', input: () => ({ path: 'zero-device', content: 'x' }), expect: { refused: (repo) => (repo.isDeviceReal ? /is a device, not a regular file/ : FIFO) } },
  { name: 'update_file preview through a link to the secret', tool: 'update_file', call: 'preview', input: () => ({ path: 'config-link.json', old_string: 'sk', new_string: 'x' }), expect: { refused: OUTSIDE } },
  { name: 'write_file preview through rootfs', tool: 'write_file', call: 'preview', input: (repo) => ({ path: throughRoot(repo, 'notes.txt'), content: 'x' }), expect: { refused: OUTSIDE } },

  // apply_patch reads every file a patch names: each refusal stops the whole patch, through preview.
  { name: 'apply_patch preview of a FIFO', tool: 'apply_patch', call: 'preview', input: () => ({ input: patch('*** Update File: pipe.txt\n@@\n-a\n+b') }), expect: { refused: FIFO } },
  { name: 'apply_patch delete of a socket', tool: 'apply_patch', call: 'preview', input: () => ({ input: patch('*** Delete File: socket.sock') }), expect: { refused: /is a socket, not a regular file/ } },
  { name: 'apply_patch delete of a device node', tool: 'apply_patch', call: 'preview', input: () => ({ input: patch('*** Delete File: zero-device') }), expect: { refused: (repo) => (repo.isDeviceReal ? /is a device, not a regular file/ : FIFO) } },
  { name: 'apply_patch update through a link to the secret', tool: 'apply_patch', call: 'preview', input: () => ({ input: patch('*** Update File: config-link.json\n@@\n-x\n+y') }), expect: { refused: OUTSIDE } },
  { name: 'apply_patch add through rootfs', tool: 'apply_patch', call: 'preview', input: (repo) => ({ input: patch(`*** Add File: ${throughRoot(repo, 'notes.txt')}\n+x`) }), expect: { refused: OUTSIDE } },
  { name: 'apply_patch move out through home-link', tool: 'apply_patch', call: 'preview', input: () => ({ input: patch('*** Update File: README.md\n*** Move to: home-link/stolen.md') }), expect: { refused: OUTSIDE } },
  { name: 'apply_patch delete by .. escape', tool: 'apply_patch', call: 'preview', input: (repo) => ({ input: patch(`*** Delete File: ../${homeName(repo)}/notes.txt`) }), expect: { refused: OUTSIDE } },
  { name: 'apply_patch delete of a link to /dev/zero', tool: 'apply_patch', call: 'preview', input: () => ({ input: patch('*** Delete File: zero') }), expect: { refused: OUTSIDE } },

  // A link to nothing.
  { name: 'read_file a dangling link', tool: 'read_file', input: () => ({ path: 'dangling' }), expect: { refused: /symlink whose target does not exist/ } },
  { name: 'glob through a dangling link', tool: 'glob', input: () => ({ pattern: 'dangling/*' }), expect: { absent: true } },
];

const grepBackends: GrepBackend[] = (await isRipgrepAvailable()) ? ['builtin', 'ripgrep'] : ['builtin'];

/**
 * The read-only tools exactly as research sub-agents get them (and as the
 * main agent's read side is built), with grep pinned to one backend, plus the
 * write tools, attacked through preview only.
 */
function registryFor(repo: HostileRepo, backend: GrepBackend): ToolRegistry {
  const options = { cwd: repo.root };
  const readOnly = createReadOnlyTools(options).filter((tool) => tool.name !== 'grep');
  return createRegistry([
    ...readOnly,
    createGrepTool({ ...options, backend }),
    createWriteFileTool(options),
    createUpdateFileTool(options),
    createApplyPatchTool(options),
  ]);
}

/** Validates the input as the loop does, runs the tool under the time limit, and returns what the model would read. */
async function attack(registry: ToolRegistry, row: AttackRow, repo: HostileRepo): Promise<{ isRefused: boolean; text: string }> {
  const tool = registry.get(row.tool);
  if (!tool) throw new Error(`No tool named ${row.tool} in the registry.`);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`HUNG: ${row.tool} did not answer within ${ROW_TIME_LIMIT_MS} ms`));
    }, ROW_TIME_LIMIT_MS);
  });
  const run = (async () => {
    const input = tool.inputSchema.parse(row.input(repo));
    if (row.call === 'preview') return { output: JSON.stringify(await tool.preview!(input)), summary: 'preview' };
    const context = { signal: controller.signal, toolCallId: 'attack', batchId: 'main:1', emit: () => {} };
    return tool.execute(input, context);
  })();
  try {
    const result = await Promise.race([run, hung]);
    return { isRefused: false, text: `${result.output}\n${result.summary}` };
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('HUNG:')) throw error;
    return { isRefused: true, text: message };
  } finally {
    clearTimeout(timer);
  }
}

const table = rows.flatMap((row) => {
  const backends = row.tool !== 'grep' ? (['builtin'] as const) : row.backend ? [row.backend] : grepBackends;
  return backends.map((backend) => ({ row, backend, label: row.tool === 'grep' ? `${row.name} (${backend})` : row.name }));
});

describe('a hostile repository cannot read outside the workspace, or hang a tool', () => {
  let repo: HostileRepo;
  beforeAll(async () => {
    repo = await createHostileRepo();
  });
  afterAll(async () => {
    await repo?.dispose();
  });

  it.each(table)('$label', async ({ row, backend }) => {
    const outcome = await attack(registryFor(repo, backend), row, repo);
    expect(outcome.text).not.toContain(SECRET_MARKER);
    expect(outcome.text).not.toContain(MACHINE_FILE_LINE);
    for (const forbidden of row.mustNotShow ?? []) expect(outcome.text).not.toContain(forbidden);
    const expectation = row.expect;
    if ('refused' in expectation) {
      expect(outcome).toMatchObject({ isRefused: true });
      const pattern = typeof expectation.refused === 'function' ? expectation.refused(repo) : expectation.refused;
      expect(outcome.text).toMatch(pattern);
    } else if ('shows' in expectation) {
      expect(outcome).toMatchObject({ isRefused: false });
      expect(outcome.text).toMatch(expectation.shows);
    }
  });

  it('the secret is really there, and really reachable through rootfs without the confinement', async () => {
    // Guards the suite itself: if the marker were not where the rows look, every row would pass vacuously.
    const { readFile, realpath } = await import('node:fs/promises');
    expect(await readFile(path.join(repo.root, throughRoot(repo, '.config/shoal/config.json')), 'utf8')).toContain(SECRET_MARKER);
    expect(await realpath(path.join(repo.root, 'config-link.json'))).toBe(repo.secretPath);
  });

  it('covers every tool in the registry', () => {
    const covered = new Set(rows.map((row) => row.tool));
    const names = [...registryFor(repo, 'builtin').keys()];
    expect(names.filter((name) => !covered.has(name))).toEqual([]);
  });
});
