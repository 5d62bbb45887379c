import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };

// Heavy modules (the AI SDK, Ink) are imported only by the paths that need
// them, so `--version` and `--help` stay instant.

const WRITE_TOOLS = ['write_file', 'update_file', 'bash'];

/** The CLI's parsed flags. */
interface CliFlags {
  prompt?: string;
  cwd: string;
  model?: string;
  baseUrl?: string;
  outputFormat: 'text' | 'json' | 'stream-json';
  allow: string[];
  yolo: boolean;
  approval: 'ask' | 'auto-edit' | 'yolo';
  maxSteps?: number;
  concurrency?: number;
}

const program = new Command()
  .name('shoal')
  .description('A terminal coding agent whose independent reads really run in parallel.')
  .version(packageJson.version, '-v, --version', 'print the version and exit')
  .helpOption('-h, --help', 'show this help and exit')
  .option('-p, --prompt <task>', 'run one task without the TUI and exit (headless)')
  .option('--cwd <dir>', 'the workspace the agent works in', process.cwd())
  .option('-m, --model <id>', 'model id (default: $SHOAL_MODEL or gpt-5.4)')
  .option('--base-url <url>', 'an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 (default: $OPENAI_BASE_URL)')
  .addOption(
    new Option('--output-format <format>', 'headless output: text, json (one summary) or stream-json (one node per line)')
      .choices(['text', 'json', 'stream-json'])
      .default('text'),
  )
  .option('--allow <tools>', `headless: let these run without asking (comma-separated: ${WRITE_TOOLS.join(', ')})`, parseToolList, [])
  .option('--yolo', 'headless: let every write and command run without asking', false)
  .addOption(
    new Option('--approval <mode>', 'interactive: ask (writes and commands ask), auto-edit (edits run, commands ask), yolo')
      .choices(['ask', 'auto-edit', 'yolo'])
      .default('ask'),
  )
  .option('--max-steps <n>', 'most model calls in one turn (default 50)', parsePositiveInteger)
  .option('--concurrency <n>', 'most read-only calls in flight at once (default 8)', parsePositiveInteger)
  .showHelpAfterError('(run shoal --help for every flag)')
  .action(async (flags: CliFlags) => {
    try {
      process.exitCode = await main(flags);
    } catch (error) {
      // A bug of ours should still read as one line; SHOAL_DEBUG=1 shows the stack.
      process.stderr.write(`shoal: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.SHOAL_DEBUG) console.error(error);
      process.exitCode = 1;
    }
  });

// An empty OPENAI_BASE_URL would make the OpenAI provider refuse to load at all.
for (const name of ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'SHOAL_MODEL']) {
  if (process.env[name]?.trim() === '') delete process.env[name];
}

await program.parseAsync(process.argv);

async function main(flags: CliFlags): Promise<number> {
  const cwd = resolveWorkspace(flags.cwd);
  if (!cwd) return 2;
  if (flags.prompt !== undefined && flags.prompt.trim() === '') {
    process.stderr.write('shoal: -p needs a task, e.g. shoal -p "explain src/cli.ts".\n');
    return 2;
  }
  const baseUrl = flags.baseUrl ?? nonEmpty(process.env.OPENAI_BASE_URL);
  const apiKey = nonEmpty(process.env.OPENAI_API_KEY);
  const requestedModel = flags.model ?? nonEmpty(process.env.SHOAL_MODEL);
  const isConfigured = Boolean(baseUrl || apiKey);
  if (!isConfigured && requestedModel !== undefined && requestedModel !== 'demo') {
    process.stderr.write(
      `shoal: model ${requestedModel} needs a server: set OPENAI_API_KEY to use OpenAI, or pass --base-url (or set OPENAI_BASE_URL) for an OpenAI-compatible server such as Ollama (http://127.0.0.1:11434/v1). --model demo runs offline.\n`,
    );
    return 2;
  }

  const { createModel, DEFAULT_MODEL } = await import('./agent/model');
  // Nothing configured: the offline demo model, said plainly at start.
  const modelId = isConfigured ? (requestedModel ?? DEFAULT_MODEL) : 'demo';
  const { model, providerOptions } = createModel({ model: modelId, baseUrl, apiKey, isPaced: flags.prompt === undefined });
  const demoNote = 'offline demo model: set OPENAI_API_KEY or --base-url to use a real model';

  if (flags.prompt === undefined) {
    if (!process.stdin.isTTY) {
      process.stderr.write('shoal: the interactive UI needs a terminal; pipe-friendly runs use -p "task".\n');
      return 2;
    }
    const { runTui } = await import('./ui/run-tui');
    await runTui({
      setup: { cwd, model, providerOptions, concurrency: flags.concurrency },
      initialModel: { modelId, model, providerOptions },
      selectModel: (name) => ({ modelId: name, ...createModel({ model: name, baseUrl, apiKey }) }),
      approvalMode: flags.approval,
      maxSteps: flags.maxSteps,
      version: packageJson.version,
      note: modelId === 'demo' ? demoNote : baseUrl ? `model ${modelId} at ${baseUrl}` : `model ${modelId} on OpenAI`,
    });
    return 0;
  }

  const [{ runHeadless }, { createPolicyApproval }] = await Promise.all([import('./headless'), import('./agent/approval')]);
  if (modelId === 'demo') process.stderr.write(`shoal: ${demoNote}\n`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('Interrupted')));
  return runHeadless({
    setup: { cwd, model, providerOptions, concurrency: flags.concurrency },
    prompt: flags.prompt,
    outputFormat: flags.outputFormat,
    maxSteps: flags.maxSteps,
    requestApproval: createPolicyApproval({
      allowedTools: new Set(flags.allow),
      allowAll: flags.yolo,
      deniedFeedback:
        'Writes and commands are denied in headless mode. Say what you would change instead; the user can rerun with --allow write_file,update_file,bash or --yolo.',
    }),
    signal: controller.signal,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

function resolveWorkspace(dir: string): string | undefined {
  try {
    const real = realpathSync(path.resolve(dir));
    if (statSync(real).isDirectory()) return real;
    process.stderr.write(`shoal: --cwd ${dir} is not a directory.\n`);
  } catch {
    process.stderr.write(`shoal: --cwd ${dir} does not exist.\n`);
  }
  return undefined;
}

function parseToolList(value: string, previous: string[]): string[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !WRITE_TOOLS.includes(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown tool ${unknown.join(', ')}; choose from ${WRITE_TOOLS.join(', ')}.`);
  return [...previous, ...names];
}

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number of 1 or more.');
  return number;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}
