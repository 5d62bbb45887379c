import { realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import type { ApprovalMode } from '../agent/calls/approval';
import type { McpServerConfig } from '../config/mcp-servers';
import type { HooksConfig } from '../hooks/config';
import type { SessionSetup } from './startup';
import { ALLOWABLE_TOOLS, MCP_TOOL_NAME } from '../config/tool-names';
import { capYoungGeneration } from './young-generation';

// Heavy modules (the AI SDK, Ink) are imported only by the paths that need
// them, so `--version` and `--help` stay instant.

// web_fetch in --allow lets every public domain be read, as Claude Code's `--allowedTools WebFetch` does; `webDomains` in the config allows some.
const WRITE_TOOLS: readonly string[] = ALLOWABLE_TOOLS;

/** Where shoal's own folders are on this machine (see config/paths.ts). */
const PATH_OPTIONS = { env: process.env, platform: process.platform, homedir: os.homedir() };

/** The CLI's parsed flags; undefined means "not given", so config files and the environment can fill it. */
interface CliFlags {
  prompt?: string;
  cwd: string;
  model?: string;
  baseUrl?: string;
  provider?: 'openai' | 'chat';
  researchModel?: string;
  outputFormat: 'text' | 'json' | 'stream-json';
  allow?: string[];
  yolo?: boolean;
  approval?: ApprovalMode;
  maxSteps?: number;
  concurrency?: number;
  record?: string;
  replay?: string;
  continue?: boolean;
  resume?: string;
  trust?: boolean;
  forgetTrust?: boolean;
  reasoningEffort?: 'none' | 'minimal' | 'low' | 'medium' | 'high';
}

const program = new Command()
  .name('shoal')
  .description('A terminal coding agent whose independent reads really run in parallel.')
  .version(packageJson.version, '-v, --version', 'print the version and exit')
  .helpOption('-h, --help', 'show this help and exit')
  .option('-p, --prompt <task>', 'run one task without the TUI and exit (headless)')
  .option('--cwd <dir>', 'the workspace the agent works in', process.cwd())
  .option('-m, --model <id>', 'model id, or "demo" for the offline demo model (default: $SHOAL_MODEL, config, gpt-5.4)')
  .option('--base-url <url>', 'an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 (default: $OPENAI_BASE_URL)')
  .addOption(
    new Option('--provider <api>', 'openai: the Responses API (default without --base-url; also for a proxy or Azure OpenAI), chat: Chat Completions (default with --base-url) (default: $SHOAL_PROVIDER)').choices([
      'openai',
      'chat',
    ]),
  )
  .option('--research-model <id>', 'model for research sub-agents (default: the main model)')
  .addOption(
    new Option(
      '--approval <mode>',
      'ask (writes and commands ask), auto-edit (edits and sandboxed commands run, other commands ask), plan (research and reads only; writes and commands neither run nor ask), yolo (nothing asks)',
    ).choices(['ask', 'auto-edit', 'plan', 'yolo'] satisfies ApprovalMode[]),
  )
  .option('--allow <tools>', `let these run without asking (comma-separated: ${WRITE_TOOLS.join(', ')}, or MCP tools such as mcp__github__create_issue; web_fetch: every public domain)`, parseToolList)
  .option('--yolo', 'let every write and command run without asking (same as --approval yolo)')
  .addOption(
    new Option('--output-format <format>', 'headless output: text, json (one summary) or stream-json (one node per line)')
      .choices(['text', 'json', 'stream-json'])
      .default('text'),
  )
  .addOption(
    new Option('--reasoning-effort <level>', 'how hard a reasoning model thinks, for models and servers that take it (default: the model\'s own)').choices([
      'none',
      'minimal',
      'low',
      'medium',
      'high',
    ]),
  )
  .option('--max-steps <n>', 'most model calls in one turn (default 50)', parsePositiveInteger)
  .option('--concurrency <n>', 'most read-only calls in flight at once (default 8)', parsePositiveInteger)
  .option('--record <file>', 'write every model response to a JSONL file, for replay or a bug report')
  .option('--replay <file>', 'play recorded model responses back instead of calling a model (offline, deterministic)')
  .option('--trust', 'apply the settings of .shoal/config.json that need folder trust (approval, allowed tools, server, web domains) for this run only')
  .addOption(new Option('--forget-trust', 'stop trusting this folder (the next start asks again), print one line and exit').conflicts(['prompt', 'trust']))
  .option('-c, --continue', "continue this workspace's latest saved session")
  .option('-r, --resume <id>', 'continue the saved session with this id (see /sessions)')
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
  if (flags.forgetTrust) return forgetTrust(cwd);
  if (flags.prompt !== undefined && flags.prompt.trim() === '') {
    process.stderr.write('shoal: -p needs a task, e.g. shoal -p "explain src/cli/main.ts".\n');
    return 2;
  }
  const isInteractive = flags.prompt === undefined;
  if (isInteractive && !process.stdin.isTTY) {
    process.stderr.write('shoal: the interactive UI needs a terminal; for pipes and scripts use -p "task".\n');
    return 2;
  }
  // Before any model stream: a long one would otherwise grow the young generation to 128 MB (see young-generation.ts).
  capYoungGeneration();

  const { loadStartupConfig, resolveStartup, resolveSession, StartupError } = await import('./startup');
  const [{ ConfigError }, { displayPath, shoalDir }, { settleProjectTrust }] = await Promise.all([
    import('../config/settings'),
    import('../config/paths'),
    import('./trust-decision'),
  ]);
  const startupFlags = {
    model: flags.model,
    baseUrl: flags.baseUrl,
    provider: flags.provider,
    researchModel: flags.researchModel,
    approvalMode: flags.approval,
    allowedTools: flags.allow,
    maxSteps: flags.maxSteps,
    concurrency: flags.concurrency,
    reasoningEffort: flags.reasoningEffort,
    yolo: flags.yolo,
    record: flags.record,
    replay: flags.replay,
    isInteractive,
  };
  const { maskUrlsIn } = await import('../models/mask-url');
  let startup;
  let session: SessionSetup | undefined;
  let projectCommands;
  let project;
  let agentSet;
  const trustNotes: string[] = [];
  try {
    const config = await settleProjectTrust({
      config: await loadStartupConfig(startupFlags, cwd, flags.trust),
      isInteractive,
      folderLabel: displayPath(cwd, { cwd, homedir: PATH_OPTIONS.homedir }),
      // Imported only when asked: Ink is heavy, and most runs never see the prompt.
      ask: async (question) => (await import('../ui/run-trust-prompt')).askTrust(question),
      notes: trustNotes,
    });
    if (!config) return 130;
    projectCommands = config.project?.isApplied ? config.project.commands : [];
    project = config.project;
    // The project's agents only in a trusted folder; the user's own always. Read (and their YAML parsed) while the models are set up.
    const configDir = shoalDir('config', PATH_OPTIONS);
    const agentsLoading = import('../config/agents').then(({ loadAgentSet }) =>
      loadAgentSet({
        configDir,
        configDisplay: displayPath(configDir, { cwd, homedir: PATH_OPTIONS.homedir }),
        project: config.project?.isApplied ? config.project.agents : [],
      }),
    );
    // One prompt-cache key per conversation: the session's id, the same after --continue.
    startup = await resolveStartup(startupFlags, config, { promptCacheKey: () => session?.id() });
    session = resolveSession({ cwd, modelId: startup.main.modelId, isContinue: flags.continue, resumeId: flags.resume });
    agentSet = await agentsLoading;
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof StartupError)) throw error;
    // A rejected --base-url is quoted back; its credentials must not be.
    process.stderr.write(`shoal: ${maskUrlsIn(error.message)}\n`);
    return 2;
  }
  // Temp files a killed shoal left mid-write: this run leaves a marker until it exits, and only a killed
  // run's marker makes a start walk the workspace for them (after the first frame, never awaited).
  const runMarkers = path.join(shoalDir('state', PATH_OPTIONS), 'runs');
  const { markRun, cleanAfterKilledRuns } = await import('../tools/edit/temp-files');
  markRun({ markers: runMarkers, root: cwd });
  const cleanUp = () => void cleanAfterKilledRuns({ markers: runMarkers, root: cwd, signal: AbortSignal.timeout(30_000) });
  if (isInteractive) setTimeout(cleanUp, 1000).unref();
  else cleanUp();
  const { settings, main: mainModel } = startup;
  const researchModelId = settings.researchModel ?? mainModel.modelId;
  const [{ shoalPrivateDirs }, { sandboxStatus }, { createWebAccess }] = await Promise.all([
    import('../config/paths'),
    import('../tools/shell/sandbox'),
    import('../tools/web/access'),
  ]);
  // Said once at start: where there is no sandbox, commands run as the user, with the user's access.
  // Probing runs bwrap (tens of ms), so the TUI asks after its first frame and headless alongside its other probes.
  const sandboxNote = () => sandboxStatus().then((status) => (status.isAvailable ? undefined : status.note));
  const hooks = settings.hooks && Object.keys(settings.hooks).length > 0 ? await createHooks(settings.hooks, cwd, session, settings.approvalMode) : undefined;
  const setup = {
    cwd,
    model: mainModel.model,
    researchModel: startup.researchModel,
    providerOptions: mainModel.providerOptions,
    price: mainModel.price,
    researchPrice: startup.researchPrice,
    concurrency: settings.concurrency,
    researchMaxSteps: settings.researchMaxSteps,
    contextWindow: () => startup.contextWindowOf(researchModelId),
    compactAt: settings.compactAt,
    applyPatch: settings.applyPatch,
    agents: agentSet.agents,
    // An agent's own model is built like /model's; the demo and a replay have no other model to offer.
    ...(startup.isDemo || flags.replay ? {} : { createModel: startup.selectModel }),
    isTakingImages: () => mainModel.isTakingImages === true,
    sandbox: {
      hiddenPaths: shoalPrivateDirs(PATH_OPTIONS),
      network: settings.commandNetwork === true,
    },
    // One per session: the tools classify fetches with it and the approval policy allows with it.
    webAccess: createWebAccess({
      domains: settings.webDomains,
      isEveryDomainAllowed: settings.allowedTools.includes('web_fetch'),
      isPrivateAllowed: settings.webAllowPrivate,
    }),
    hooks,
  };
  // Built now, started later: the TUI starts the servers after its first frame, headless before the first model call.
  const mcpServers = settings.mcpServers ?? {};
  const mcp = Object.keys(mcpServers).length > 0 ? await createMcp(mcpServers, cwd) : undefined;
  const { probeLocalServer } = await import('../models/local-server');
  // Offered, never picked on its own: only when nothing is configured.
  const probe = async () => (startup.isDemo ? probeLocalServer() : undefined);
  const lateNotes = async () => (await Promise.all([sandboxNote(), probe()])).filter(Boolean).join('\n') || undefined;

  if (isInteractive) {
    const [{ runTui }, { createIdleMemoryRelease }] = await Promise.all([import('../ui/run-tui'), import('./idle-memory')]);
    await runTui({
      setup,
      initialModel: mainModel,
      selectModel: startup.selectModel,
      approvalMode: settings.approvalMode,
      allowedTools: settings.allowedTools,
      maxSteps: settings.maxSteps,
      version: packageJson.version,
      notes: [...new Set([startup.modelLine, ...trustNotes, ...agentSet.notes, ...startup.notes, ...session.notes])],
      lateNote: lateNotes,
      resumed: session.resumed,
      createRecorder: session.createRecorder,
      describeSessions: session.describeSessions,
      contextWindowOf: startup.contextWindowOf,
      probeContextWindow: startup.probeContextWindow,
      compactAt: settings.compactAt,
      notify: settings.notify,
      mcp,
      projectCommands,
      project,
      onTurnEnd: createIdleMemoryRelease(),
    });
    return 0;
  }

  // A checkpoint is worth its git processes only where something may change the workspace: the default
  // headless run denies every write and command, and plan mode runs none.
  const canChangeFiles = settings.approvalMode === 'auto-edit' || settings.approvalMode === 'yolo' || (settings.approvalMode !== 'plan' && settings.allowedTools.some((tool) => tool !== 'web_fetch'));
  const [{ runHeadless }, { createPolicyApproval }, { createContextBudget }, checkpoints] = await Promise.all([
    import('./headless'),
    import('../agent/calls/approval'),
    import('../agent/context/budget'),
    canChangeFiles ? import('../checkpoints') : undefined,
  ]);
  // Headless, a command can run only where the mode or --allow lets it: only then does the sandbox matter here.
  const canRunCommands = settings.approvalMode !== 'ask' || settings.allowedTools.includes('bash');
  const [localServer, sandbox] = await Promise.all([
    probe(),
    canRunCommands ? sandboxNote() : undefined,
    startup.probeContextWindow(mainModel.modelId),
    startup.probeContextWindow(researchModelId),
  ]);
  for (const note of [...trustNotes, ...agentSet.notes, ...startup.notes, ...session.notes, sandbox, localServer]) if (note) process.stderr.write(`shoal: ${note}\n`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('Interrupted')));
  const code = await runHeadless({
    setup,
    prompt: flags.prompt!,
    history: session.resumed?.messages,
    recorder: session.createRecorder((error) => process.stderr.write(`shoal: this session is not being saved: ${error.message}\n`)),
    outputFormat: flags.outputFormat,
    maxSteps: settings.maxSteps,
    context: createContextBudget({ window: () => startup.contextWindowOf(mainModel.modelId), compactAt: settings.compactAt }),
    isPlanning: settings.approvalMode === 'plan',
    requestApproval: createPolicyApproval({
      mode: settings.approvalMode,
      allowedTools: new Set(settings.allowedTools),
      webAccess: setup.webAccess,
      deniedFeedback:
        'Writes and commands are denied in headless mode. Say what you would change instead; the user can rerun with --allow write_file,update_file,apply_patch,bash (or the MCP tool\'s name, e.g. --allow mcp__server__tool) or --yolo.',
    }),
    signal: controller.signal,
    mcp,
    ...(checkpoints
      ? { createCheckpoints: (sessionId: string) => checkpoints.createCheckpointStore({ workspace: cwd, stateDir: shoalDir('state', PATH_OPTIONS), sessionId }) }
      : {}),
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // Stdio servers are child processes: stop them, or they would keep shoal alive.
  await mcp?.close();
  // The session file is written and synced entry by entry, so once the output is flushed nothing is left to do:
  // exit now rather than wait for idle keep-alive sockets, the stale temp-file walk and the heap's teardown.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** --forget-trust: removes this folder's trust record; 0 whether or not there was one, 1 when the store cannot be changed. */
async function forgetTrust(cwd: string): Promise<number> {
  const [{ forgetProjectTrust, forgetResultLine }, { displayPath, shoalDir }] = await Promise.all([import('../config/trust'), import('../config/paths')]);
  const result = await forgetProjectTrust({ cwd, stateDir: shoalDir('state', PATH_OPTIONS) });
  const line = forgetResultLine(result, displayPath(cwd, { cwd, homedir: PATH_OPTIONS.homedir }));
  if (result.status === 'failed') {
    process.stderr.write(`shoal: ${line}\n`);
    return 1;
  }
  process.stdout.write(`${line}\n`);
  return 0;
}

/** Resolves once everything written to `stream` so far has been handed to the system (pipes are asynchronous on macOS). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
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

function parseToolList(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !WRITE_TOOLS.includes(name) && !MCP_TOOL_NAME.test(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown tool ${unknown.join(', ')}; choose from ${WRITE_TOOLS.join(', ')}, or name an MCP tool as mcp__server__tool.`);
  return [...(previous ?? []), ...names];
}

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number of 1 or more.');
  return number;
}

/** The session's hooks, told the session's id and file as each run starts (a new session gets them at its first prompt). */
async function createHooks(config: HooksConfig, cwd: string, session: SessionSetup, mode: string) {
  const { createHookRunner } = await import('../hooks/runner');
  return createHookRunner({ hooks: config, cwd, session: () => ({ sessionId: session.id() ?? '', transcriptPath: session.transcriptPath() ?? '' }), permissionMode: mode });
}

/** The session's MCP servers, each expanding its `${VAR}`s only as it starts: the trust prompt and /mcp show them as written. */
async function createMcp(servers: Record<string, McpServerConfig>, cwd: string) {
  const [{ createMcpManager }, { expandMcpServer }] = await Promise.all([import('../tools/mcp/client'), import('../config/mcp-expansion')]);
  return createMcpManager({ servers, cwd, version: packageJson.version, resolve: (server) => expandMcpServer(server, process.env) });
}
