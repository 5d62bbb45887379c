/** The variable every command's processes carry, so their whole tree can be found again in `/proc` (see process-tree.ts). */
export const COMMAND_MARKER_VARIABLE = 'SHOAL_COMMAND_ID';

// Words that name a credential; matched anywhere in the upper-cased name, so
// OPENAI_API_KEY, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY and NPM_CONFIG_PASSWORD all go.
const SECRET_WORDS = ['API_KEY', 'APIKEY', 'SECRET', 'TOKEN', 'PASSWORD', 'PASSWD', 'CREDENTIAL'];

/**
 * True when an environment variable's name says it holds a credential: the
 * upper-cased name contains API_KEY, APIKEY, SECRET, TOKEN, PASSWORD, PASSWD or
 * CREDENTIAL, or ends in _KEY (ANTHROPIC_KEY). Provider settings such as OPENAI_BASE_URL stay.
 */
export function isSecretVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return upper.endsWith('_KEY') || SECRET_WORDS.some((word) => upper.includes(word));
}

// Where agents and daemons listen; a sandboxed command has no business reaching them (`dropSockets`).
const SOCKET_VARIABLES = new Set(['SSH_AUTH_SOCK', 'GPG_AGENT_INFO', 'DBUS_SESSION_BUS_ADDRESS', 'DOCKER_HOST', 'XDG_RUNTIME_DIR']);

/**
 * The environment a command runs with: shoal's own, minus every credential
 * (`isSecretVariable`) so `env` cannot show the model the user's API key, and
 * with `dropSockets` the agents' sockets; plus pagers turned off and `marker`
 * under `COMMAND_MARKER_VARIABLE`.
 */
export function commandEnv(options: { marker: string; overrides?: Record<string, string>; dropSockets?: boolean }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || isSecretVariable(name) || (options.dropSockets && SOCKET_VARIABLES.has(name))) continue;
    env[name] = value;
  }
  return {
    ...env,
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    ...options.overrides,
    [COMMAND_MARKER_VARIABLE]: options.marker,
  };
}
