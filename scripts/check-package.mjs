// `node scripts/check-package.mjs`: packs shoal as `npm publish` would, installs
// the tarball globally into a temporary prefix, and runs the installed `shoal`
// on this Node (`--version`, then a headless turn with the demo model). Exits 1,
// saying what is wrong, when the package would not work for a user.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/**
 * Imports the bundle may leave to whatever is installed, because the code
 * around them does without: Ink loads react-devtools-core only when DEV=true
 * (and it is external in build.mjs); linkedom tries the native canvas module
 * and falls back to its own shim.
 */
const ALLOWED_EXTERNALS = new Set(['react-devtools-core', 'canvas']);
/** Files the installed CLI loads by path rather than by import, so the import scan cannot vouch for them. */
const REQUIRED_FILES = ['dist/shoal.js', 'dist/grep-worker.js'];

const work = mkdtempSync(path.join(tmpdir(), 'shoal-package-'));
// The installed shim starts `node` from PATH: put the Node running this script first.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
const problems = [];

try {
  // `npm pack` runs `prepare`, so the tarball holds a fresh build of this checkout.
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  // The build's own line comes first on the same stdout.
  const packed = JSON.parse(output.slice(output.indexOf('[\n')));
  const { filename, files, size } = packed[0];
  const listed = new Set(files.map((file) => file.path));
  for (const file of REQUIRED_FILES) if (!listed.has(file)) problems.push(`the package lacks ${file}`);
  const prefix = path.join(work, 'prefix');
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', path.join(work, filename)], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const installed = path.join(prefix, 'lib', 'node_modules', 'shoal');
  problems.push(...unbundledImports(path.join(installed, 'dist')));

  const shoal = path.join(prefix, 'bin', 'shoal');
  const version = spawnSync(shoal, ['--version'], { env, encoding: 'utf8' });
  const expected = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  if (version.status !== 0 || version.stdout.trim() !== expected) {
    problems.push(`shoal --version gave exit ${version.status}, "${version.stdout.trim()}" (expected ${expected}) ${version.stderr.trim()}`);
  }
  // A headless turn loads the rest of the bundle: the AI SDK, the tools, the grep worker threads.
  const workspace = mkdtempSync(path.join(work, 'workspace-'));
  const isolated = { ...env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', SHOAL_MODEL: '', SHOAL_CONFIG_DIR: path.join(work, 'config'), SHOAL_STATE_DIR: path.join(work, 'state') };
  const turn = spawnSync(shoal, ['-p', 'hi', '--model', 'demo', '--cwd', workspace], { env: isolated, encoding: 'utf8', timeout: 30_000 });
  if (turn.status !== 0 || !turn.stdout.includes('offline demo model')) {
    problems.push(`shoal -p hi --model demo gave exit ${turn.status}: ${(turn.stderr || turn.stdout).trim().split('\n').slice(-3).join(' / ')}`);
  }
  if (problems.length === 0) {
    console.log(`ok: ${filename} (${files.length} files, ${(size / 1024).toFixed(0)} KB) installs and runs shoal ${expected} on Node ${process.versions.node}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`check-package: ${problems.join('\n  ')}`);
  process.exitCode = 1;
}

/** Bare imports in the installed bundle that would need a package the install did not bring. */
function unbundledImports(dist) {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const found = [];
  const scan = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) scan(file);
      else if (entry.name.endsWith('.js')) {
        const text = readFileSync(file, 'utf8');
        // Static and dynamic ES imports as esbuild writes them; bundled CommonJS calls __require() only for builtins.
        for (const match of text.matchAll(/(?:^import\s[^'"]*?|\bimport\()\s*["']([^"'./][^"']*)["']|__require\(["']([^"'./][^"']*)["']\)/gm)) {
          const name = match[1] ?? match[2];
          if (!builtins.has(name) && !ALLOWED_EXTERNALS.has(name)) found.push(`${path.relative(dist, file)} imports ${name}, which is not bundled and not installed`);
        }
      }
    }
  };
  scan(dist);
  return found;
}
